// TreeListing against clones of repositories made by Debian's `git`: what it keeps,
// and that a stale, damaged or foreign listing is never served.
#include "git/tree_listing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "git/ref_files.h"
#include "support/git_repo.h"
#include "support/scenario.h"

namespace pond::git {
namespace {

namespace fs = std::filesystem;
using pond::testing::GitRepo;
using pond::testing::TempDir;

class TreeListingTest : public ::testing::Test {
 protected:
  TempDir tmp;
  GitRepo origin{tmp.path() / "origin"};
  std::string dir = tmp / "pond/git/1.git";

  // Builds and keeps the listing of what `ref` names now, below the root.
  TreeListing Keep(const Repository& repo, const std::string& ref, const std::string& prefix = "") {
    const std::optional<std::string> state = PublishedRefState(dir, ref);
    EXPECT_TRUE(state);
    const Commit commit = *repo.Resolve(ref, Refs::kPublished);
    TreeListing listing = TreeListing::Build(repo, commit.id, commit.tree);
    EXPECT_TRUE(listing.Write(dir, ref, prefix, *state));
    return listing;
  }
  // The one listing file in the clone.
  std::string ListingFile() const {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().starts_with("pond-listing-")) found.push_back(e.path());
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? "" : found[0];
  }
  static std::vector<std::string> Names(const std::vector<TreeEntry>& entries) {
    std::vector<std::string> out;
    for (const TreeEntry& e : entries) out.push_back(e.name);
    return out;
  }
};

TEST_F(TreeListingTest, KeepsTreesKindsIdsAndSymlinkTargets) {
  origin.Write("a.csv", "x\n");
  origin.Write("dir/sub/b.txt", "bee");
  origin.Write("same1/f", "same");  // two folders holding one tree object
  origin.Write("same2/f", "same");
  origin.Symlink("link", "dir/sub/b.txt");
  const std::string first = origin.Commit();
  const std::string head = origin.CommitGitlink("vendored", first);
  auto repo = Repository::Clone(origin.url(), dir, nullptr);
  Keep(*repo, "main");

  const std::optional<TreeListing> loaded = TreeListing::Load(dir, "main", "");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->commit(), head);
  EXPECT_EQ(loaded->root(), origin.Git({"rev-parse", "main^{tree}"}));
  const std::vector<TreeEntry>* root = loaded->Entries(loaded->root());
  ASSERT_TRUE(root);
  const std::vector<TreeEntry> expected = repo->ListTree(loaded->root());
  ASSERT_EQ(Names(*root), Names(expected));
  for (size_t i = 0; i < root->size(); ++i) {
    EXPECT_EQ((*root)[i].kind, expected[i].kind) << expected[i].name;
    EXPECT_EQ((*root)[i].id, expected[i].id) << expected[i].name;
  }
  const std::string sub = origin.Git({"rev-parse", "main:dir/sub"});
  ASSERT_TRUE(loaded->Entries(sub));
  EXPECT_EQ(Names(*loaded->Entries(sub)), std::vector<std::string>{"b.txt"});
  const std::string* target = loaded->SymlinkTarget(origin.Git({"rev-parse", "main:link"}));
  ASSERT_TRUE(target);
  EXPECT_EQ(*target, "dir/sub/b.txt");
  EXPECT_FALSE(loaded->Entries(std::string(40, '0')));
  EXPECT_EQ(TreeListing::CurrentCommit(dir, "main", ""), head);
}

// A pull killed after it published its refs and before it kept its listing: the
// listing names the old commit, and is not served.
TEST_F(TreeListingTest, RefsPublishedSinceMakeItStale) {
  origin.Write("f", "1");
  origin.Commit();
  auto repo = Repository::Clone(origin.url(), dir, nullptr);
  Keep(*repo, "main");
  ASSERT_TRUE(TreeListing::Load(dir, "main", ""));
  origin.Write("f", "2");
  origin.Commit();
  repo->Update(nullptr);  // publishes; keeps no listing
  EXPECT_FALSE(TreeListing::Load(dir, "main", ""));
  EXPECT_FALSE(TreeListing::CurrentCommit(dir, "main", ""));
  // A pull that fetched nothing new leaves it current.
  Keep(*repo, "main");
  repo->Update(nullptr);
  EXPECT_TRUE(TreeListing::Load(dir, "main", ""));
  // A ref that comes first in Resolve's order appearing: a branch named like the tag.
  origin.Git({"tag", "v1"});
  repo->Update(nullptr);
  Keep(*repo, "v1");
  ASSERT_TRUE(TreeListing::Load(dir, "v1", ""));
  pond::testing::WriteFile(dir + "/refs/heads/v1", origin.Git({"rev-parse", "main~1"}) + "\n");
  EXPECT_FALSE(TreeListing::Load(dir, "v1", ""));
}

TEST_F(TreeListingTest, ADamagedMissingOrForeignListingIsNotServed) {
  origin.Write("f", "1");
  origin.Commit();
  auto repo = Repository::Clone(origin.url(), dir, nullptr);
  EXPECT_FALSE(TreeListing::Load(dir, "main", ""));  // none yet
  Keep(*repo, "main");
  ASSERT_TRUE(TreeListing::Load(dir, "main", ""));
  EXPECT_FALSE(TreeListing::Load(dir, "main", "sub"));  // another prefix
  EXPECT_FALSE(TreeListing::Load(dir, "other", ""));    // another ref
  const std::string file = ListingFile();
  const std::string bytes = pond::testing::ReadFile(file);
  for (size_t at : {size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    std::string damaged = bytes;
    damaged[at] ^= 1;
    pond::testing::WriteFile(file, damaged);
    EXPECT_FALSE(TreeListing::Load(dir, "main", "")) << at;
  }
  pond::testing::WriteFile(file, bytes.substr(0, bytes.size() - 20));
  EXPECT_FALSE(TreeListing::Load(dir, "main", ""));
  pond::testing::WriteFile(file, "");
  EXPECT_FALSE(TreeListing::Load(dir, "main", ""));
  pond::testing::WriteFile(file, bytes);
  EXPECT_TRUE(TreeListing::Load(dir, "main", ""));
}

TEST_F(TreeListingTest, EachRefAndPrefixHasItsOwnFile) {
  origin.Write("f", "main");
  const std::string main = origin.Commit();
  origin.Git({"checkout", "-q", "-b", "other"});
  origin.Write("f", "other");
  const std::string other = origin.Commit();
  auto repo = Repository::Clone(origin.url(), dir, nullptr);
  Keep(*repo, "main");
  Keep(*repo, "other");
  EXPECT_EQ(TreeListing::Load(dir, "main", "")->commit(), main);
  EXPECT_EQ(TreeListing::Load(dir, "other", "")->commit(), other);
}

}  // namespace
}  // namespace pond::git
