// `pond apply`: a batch of resources (resource.h) made so in the pond, idempotently, in
// one transaction (docs/apply.md, "Processing").
//
// Promises:
// - What the pond holds is checked against every resource before anything is written
//   (a file where a directory must be, another factory at a mknod's path, a copy's
//   destination without `overwrite`); a problem found later aborts the transaction.
//   Either way a failure leaves the pond as it was: same log, same blobs.
// - A mknod whose factory and canonical text equal the stored ones is unchanged; the
//   environment is not compared (the text is the unexpanded one).
// - When nothing is created or updated, no transaction is committed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apply/resource.h"
#include "store/pond.h"

namespace pond::apply {

enum class Outcome { kCreated, kUpdated, kUnchanged };
// "created", "updated", "unchanged".
std::string OutcomeName(Outcome outcome);

struct Report {
  std::vector<std::pair<const Resource*, Outcome>> outcomes;  // in application order
  int64_t seq = 0;  // the transaction committed; 0 when nothing changed
};

// Applies `resources` (in the order given) to `pond`, opened for writing: every mkdir
// `mkdir -p`; every copy's source written at its path (parents made); every mknod's
// text stored as a node or a new config version (parents made). Created and updated
// mknods then have their inputs checked as `pond mknod` does (Factory::CheckInputs),
// seeing the whole batch. `argv` and `vars` go to the transaction's log row. Throws
// pond::Error naming the resource's origin for a conflict with the pond:
// `path '/x' exists but is not a directory`, `factory type mismatch at '/p': existing
// is 'A', apply specifies 'B'`, `path '/p' exists and is file:data, not a dynamic
// node`, `destination '/d' already exists; set overwrite: true to replace`.
Report Apply(store::Pond& pond, const std::vector<Resource>& resources,
             const std::vector<std::string>& argv, const std::map<std::string, std::string>& vars);

}  // namespace pond::apply
