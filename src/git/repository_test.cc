// Repository against repositories made by Debian's `git` (tests/support/git_repo.h).
#include "git/repository.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "support/git_repo.h"
#include "support/scenario.h"

namespace pond::git {
namespace {

using pond::testing::GitRepo;
using pond::testing::TempDir;

class RepositoryTest : public ::testing::Test {
 protected:
  TempDir tmp;
  GitRepo origin{tmp.path() / "origin"};
  std::string clone_dir = tmp / "pond/git/1.git";

  std::unique_ptr<Repository> Clone() {
    return Repository::Clone(origin.url(), clone_dir, nullptr);
  }
  static const TreeEntry* Find(const std::vector<TreeEntry>& entries, const std::string& name) {
    for (const auto& e : entries)
      if (e.name == name) return &e;
    return nullptr;
  }
};

TEST_F(RepositoryTest, ClonesAndReadsTreesBlobsSymlinksAndSubmodules) {
  origin.Write("a.csv", "x,y\n1,2\n");
  origin.Write("dir/sub/b.txt", "bee");
  origin.Symlink("link.csv", "a.csv");
  const std::string first = origin.Commit("one");
  const std::string second = origin.CommitGitlink("vendored", first);

  auto repo = Clone();
  EXPECT_EQ(repo->url(), origin.url());
  EXPECT_FALSE(std::filesystem::exists(clone_dir + ".tmp"));
  auto commit = repo->Resolve("main", Refs::kPublished);
  ASSERT_TRUE(commit);
  EXPECT_EQ(commit->id, second);
  EXPECT_EQ(commit->tree, origin.Git({"rev-parse", "main^{tree}"}));

  const auto root = repo->ListTree(commit->tree);
  ASSERT_EQ(root.size(), 4u);  // a.csv, dir, link.csv, vendored: git's order
  EXPECT_EQ(root[0].name, "a.csv");
  EXPECT_EQ(Find(root, "a.csv")->kind, EntryKind::kBlob);
  EXPECT_EQ(Find(root, "dir")->kind, EntryKind::kTree);
  EXPECT_EQ(Find(root, "link.csv")->kind, EntryKind::kSymlink);
  EXPECT_EQ(Find(root, "vendored")->kind, EntryKind::kSubmodule);
  EXPECT_EQ(Find(root, "vendored")->id, first);
  EXPECT_EQ(repo->ReadBlob(Find(root, "a.csv")->id), "x,y\n1,2\n");
  EXPECT_EQ(repo->ReadBlob(Find(root, "link.csv")->id), "a.csv");
  std::string streamed;
  repo->ReadBlob(Find(root, "a.csv")->id, [&](std::string_view b) { streamed += b; });
  EXPECT_EQ(streamed, "x,y\n1,2\n");
  const auto sub = repo->ListTree(repo->ListTree(Find(root, "dir")->id)[0].id);
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(repo->ReadBlob(sub[0].id), "bee");
}

TEST_F(RepositoryTest, ResolvesBranchesTagsAndObjectIdsInOrder) {
  origin.Write("f", "1");
  const std::string one = origin.Commit();
  origin.Git({"tag", "-a", "-m", "annotated", "v1"});  // peeled to its commit
  origin.Git({"branch", "other"});
  origin.Write("f", "2");
  const std::string two = origin.Commit();
  origin.Git({"tag", "v1-light"});
  auto repo = Clone();
  EXPECT_EQ(repo->Resolve("v1", Refs::kPublished)->id, one);
  EXPECT_EQ(repo->Resolve("v1-light", Refs::kPublished)->id, two);
  EXPECT_EQ(repo->Resolve("other", Refs::kPublished)->id, one);
  EXPECT_EQ(repo->Resolve("refs/tags/v1", Refs::kPublished)->id, one);
  EXPECT_EQ(repo->Resolve(one, Refs::kPublished)->id, one);
  EXPECT_FALSE(repo->Resolve("nope", Refs::kPublished));
  EXPECT_FALSE(repo->Resolve(std::string(40, 'a'), Refs::kPublished));
  // An abbreviated id is no ref: only full ids are taken.
  EXPECT_FALSE(repo->Resolve(one.substr(0, 12), Refs::kPublished));
  // A branch called like a tag wins: origin's branches come first.
  origin.Git({"branch", "v1", "main"});
  repo->Update(nullptr);
  EXPECT_EQ(repo->Resolve("v1", Refs::kPublished)->id, two);
  // A blob's id names no commit.
  const std::string blob = origin.Git({"rev-parse", "main:f"});
  EXPECT_THROW(repo->Resolve(blob, Refs::kPublished), Error);
}

TEST_F(RepositoryTest, UpdatePublishesOnlyWhatTheCheckAccepts) {
  origin.Write("f", "1");
  const std::string one = origin.Commit();
  auto repo = Clone();
  origin.Write("f", "2");
  const std::string two = origin.Commit();

  EXPECT_THROW(repo->Update([&](const Repository& r) {
    EXPECT_EQ(r.Resolve("main", Refs::kFetched)->id, two);
    throw Error("refused");
  }),
               Error);
  EXPECT_EQ(repo->Resolve("main", Refs::kPublished)->id, one);
  EXPECT_EQ(Repository::Open(clone_dir)->Resolve("main", Refs::kPublished)->id, one);

  repo->Update([](const Repository&) {});
  EXPECT_EQ(repo->Resolve("main", Refs::kPublished)->id, two);
}

TEST_F(RepositoryTest, ARewoundBranchMovesAndADeletedOneStays) {
  origin.Write("f", "1");
  const std::string one = origin.Commit();
  origin.Git({"branch", "gone"});
  origin.Write("f", "2");
  origin.Commit();
  auto repo = Clone();
  origin.Git({"reset", "-q", "--hard", one});
  origin.Git({"branch", "-D", "gone"});
  repo->Update(nullptr);
  EXPECT_EQ(repo->Resolve("main", Refs::kPublished)->id, one);
  EXPECT_EQ(repo->Resolve("gone", Refs::kPublished)->id, one);
}

TEST_F(RepositoryTest, AFailedCloneLeavesNothingAndAnUnreachableUrlIsNamed) {
  try {
    Repository::Clone("file://" + tmp.path().string() + "/missing", clone_dir, nullptr);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "file://" + tmp.path().string() + "/missing");
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot fetch: ")) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(clone_dir));
  EXPECT_FALSE(std::filesystem::exists(clone_dir + ".tmp"));

  origin.Write("f", "1");
  origin.Commit();
  EXPECT_THROW(
      Repository::Clone(origin.url(), clone_dir, [](const Repository&) { throw Error("refused"); }),
      Error);
  EXPECT_FALSE(std::filesystem::exists(clone_dir));
}

TEST_F(RepositoryTest, ACloneThatExistsIsUpdatedAndStaleLocksAreRemoved) {
  origin.Write("f", "1");
  origin.Commit();
  Clone();
  origin.Write("f", "2");
  const std::string two = origin.Commit();
  // What an update killed while writing a ref leaves.
  pond::testing::WriteFile(clone_dir + "/refs/fetched/heads/main.lock", "");
  auto repo = Clone();  // exists: opened and updated
  EXPECT_EQ(repo->Resolve("main", Refs::kPublished)->id, two);
  EXPECT_FALSE(std::filesystem::exists(clone_dir + "/refs/fetched/heads/main.lock"));
}

TEST_F(RepositoryTest, OpenOfNoRepositoryNamesTheFolder) {
  try {
    Repository::Open(tmp / "none");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), tmp / "none");
  }
}

}  // namespace
}  // namespace pond::git
