// The listing of one commit's tree below a prefix, kept in a file inside the clone, so
// that listing and resolving paths of a git-ingest node never load libgit2 while the
// refs are as they were when it was written (docs/git-ingest.md, "The listing").
//
// Promises:
// - Load returns a listing only when the file is whole (its checksum), for the same
//   ref and prefix, and the published refs' files name what they named when it was
//   written (ref_files.h): a pull since, even one killed before it wrote its own
//   listing, makes it stale, and a stale or damaged listing is never served.
// - Write replaces the file by a rename: a reader sees the old file or the new one.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "git/repository.h"

namespace pond::git {

class TreeListing {
 public:
  // Every tree below tree `tree` of commit `commit` in `repo`, with each symbolic
  // link's target, read through libgit2.
  static TreeListing Build(const Repository& repo, const std::string& commit,
                           const std::string& tree);

  // The listing kept in the clone at `dir` for `ref` and `prefix`; nullopt when there
  // is none, it is damaged or for another ref or prefix, or the published refs have
  // changed since it was written. Never loads libgit2.
  static std::optional<TreeListing> Load(const std::string& dir, const std::string& ref,
                                         const std::string& prefix);
  // The commit of the listing Load would return, without decoding its trees.
  static std::optional<std::string> CurrentCommit(const std::string& dir, const std::string& ref,
                                                  const std::string& prefix);

  // Keeps this listing in the clone at `dir` as the one for `ref` and `prefix`, valid
  // while PublishedRefState(dir, ref) is `ref_state`. The caller holds the update lock
  // and resolved `ref` to commit() with the refs in that state. Returns false when the
  // file cannot be written (a reader without write access, a full disk).
  bool Write(const std::string& dir, const std::string& ref, const std::string& prefix,
             const std::string& ref_state) const;

  const std::string& commit() const { return commit_; }
  // The tree below the prefix.
  const std::string& root() const { return root_; }
  // The entries of tree `id`, in Git's order; nullptr when the listing has no such tree.
  const std::vector<TreeEntry>* Entries(const std::string& id) const;
  // The target held by symbolic link blob `id`; nullptr when the listing has none.
  const std::string* SymlinkTarget(const std::string& id) const;

 private:
  std::string commit_, root_;
  std::unordered_map<std::string, std::vector<TreeEntry>> trees_;
  std::unordered_map<std::string, std::string> symlinks_;
};

}  // namespace pond::git
