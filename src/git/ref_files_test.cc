// PublishedRefState against clones whose refs Debian's `git` rewrote: loose and packed
// refs, the lookup order, and the refs it declines to read.
#include "git/ref_files.h"

#include <gtest/gtest.h>

#include "git/repository.h"
#include "support/git_repo.h"
#include "support/scenario.h"

namespace pond::git {
namespace {

using pond::testing::GitRepo;
using pond::testing::TempDir;

class RefFilesTest : public ::testing::Test {
 protected:
  TempDir tmp;
  GitRepo origin{tmp.path() / "origin"};
  std::string dir = tmp / "pond/git/1.git";

  // git run in the clone, as a user (or git gc) might.
  std::string CloneGit(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--git-dir", dir};
    all.insert(all.end(), args.begin(), args.end());
    return origin.Git(all);
  }
};

TEST_F(RefFilesTest, NamesEveryCandidateInResolveOrder) {
  EXPECT_EQ(
      PublishedRefNames("v1"),
      (std::vector<std::string>{"refs/remotes/origin/v1", "refs/heads/v1", "refs/tags/v1", "v1"}));
  origin.Write("f", "1");
  const std::string one = origin.Commit();
  origin.Git({"tag", "v1"});
  Repository::Clone(origin.url(), dir, nullptr);
  EXPECT_EQ(PublishedRefState(dir, "v1"),
            "refs/remotes/origin/v1 -\nrefs/heads/v1 -\nrefs/tags/v1 " + one + "\nv1 -\n");
  // A branch named like the tag comes first, and changes the state.
  const std::string before = *PublishedRefState(dir, "v1");
  origin.Git({"branch", "v1"});
  Repository::Open(dir)->Update(nullptr);
  EXPECT_NE(PublishedRefState(dir, "v1"), before);
}

TEST_F(RefFilesTest, PackedRefsAreReadAndALooseFileWins) {
  origin.Write("f", "1");
  const std::string one = origin.Commit();
  Repository::Clone(origin.url(), dir, nullptr);
  const std::optional<std::string> loose = PublishedRefState(dir, "main");
  ASSERT_TRUE(loose);
  CloneGit({"pack-refs", "--all"});
  EXPECT_FALSE(std::filesystem::exists(dir + "/refs/remotes/origin/main"));
  EXPECT_EQ(PublishedRefState(dir, "main"), loose);
  // A loose file written after packing is what git reads.
  origin.Write("f", "2");
  const std::string two = origin.Commit();
  Repository::Open(dir)->Update(nullptr);
  EXPECT_EQ(PublishedRefState(dir, "main"),
            "refs/remotes/origin/main " + two + "\nrefs/heads/main -\nrefs/tags/main -\nmain -\n");
  EXPECT_NE(one, two);
}

TEST_F(RefFilesTest, DeclinesWhatFilesAloneCannotTell) {
  origin.Write("f", "1");
  origin.Commit();
  Repository::Clone(origin.url(), dir, nullptr);
  EXPECT_FALSE(PublishedRefState(dir, "HEAD"));    // a symbolic ref
  EXPECT_FALSE(PublishedRefState(dir, "config"));  // a file that holds no id
  EXPECT_FALSE(PublishedRefState(dir, "../../x"));
  EXPECT_FALSE(PublishedRefState(dir, "a//b"));
  pond::testing::WriteFile(dir + "/refs/tags/sym", "ref: refs/remotes/origin/main\n");
  EXPECT_FALSE(PublishedRefState(dir, "sym"));
  // A full commit id that no ref is named after: every name is absent.
  const std::string id = origin.Git({"rev-parse", "main"});
  EXPECT_TRUE(PublishedRefState(dir, id));
}

}  // namespace
}  // namespace pond::git
