// git-ingest (docs/git-ingest.md): a read-only directory showing a subtree of a Git
// ref. Its bare clone lives beside the catalog, at `<pond>/git/<node id>.git`, never in
// it: `pond run NODE pull` updates the clone and writes nothing to the pond.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "factories/factory.h"

namespace pond::factories {

struct GitIngestConfig {
  std::string url;     // file:///… or https://…
  std::string ref;     // a branch, tag or full commit id
  std::string prefix;  // the subtree shown, `a/b`; empty: the whole tree
};

// The node's config; throws naming the field and line (`missing field 'ref'`).
GitIngestConfig ParseGitIngestConfig(const Config& config);

// Where the clone of the node with catalog id `node_id` lives in the pond at `pond_dir`.
std::string GitClonePath(const std::string& pond_dir, uint64_t node_id);

// `pond run NODE pull`: clones when there is no clone yet, else fetches origin; then
// checks that `ref` names a commit and `prefix` a directory in what was fetched, and
// only then lets reads see it. Returns that commit's id. Throws with the cause (the
// url, the ref, `Prefix segment 'x' not found in tree`); what reads saw stays.
std::string GitPull(const std::string& pond_dir, uint64_t node_id, const GitIngestConfig& config);

// What reads show now: the commit `ref` names in the clone, nullopt when there is no
// clone yet ("not yet fetched"). Throws when the clone has no such ref.
std::optional<std::string> GitPulledCommit(const std::string& pond_dir, uint64_t node_id,
                                           const GitIngestConfig& config);

}  // namespace pond::factories
