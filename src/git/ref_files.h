// A clone's published refs read from their files, without libgit2: what a kept tree
// listing (tree_listing.h) checks it is still current against, so that a read of an
// unchanged clone never loads libgit2 (docs/git-ingest.md, "The listing").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pond::git {

// The names a ref is looked up by among the published refs, in the order Repository::
// Resolve tries them: `refs/remotes/origin/REF`, `refs/heads/REF`, `refs/tags/REF`,
// `REF` (a full object id is tried after them all).
std::vector<std::string> PublishedRefNames(const std::string& ref);

// A text naming the value of each of PublishedRefNames(ref) in the bare repository at
// `dir`, as its files hold it now: the loose ref file when there is one, else its line
// of `packed-refs`, else none. Equal texts mean Resolve(ref) names the same commit
// (objects never change). nullopt when some value cannot be told from the files alone:
// a symbolic ref, a file that holds no object id, a name that is no plain path.
std::optional<std::string> PublishedRefState(const std::string& dir, const std::string& ref);

}  // namespace pond::git
