#include "apply/apply.h"

#include <algorithm>

#include "base/error.h"
#include "factories/view.h"
#include "path/path.h"
#include "store/blob_store.h"
#include "store/host_copy.h"

namespace pond::apply {

namespace {

using store::Pond;

// Whether `path` and every directory above it are directories in the pond now; false
// at the first one missing. Throws when one is something else.
bool DirsExist(const Pond& pond, const std::string& path, const Resource& r) {
  std::string at;
  for (const auto& name : SplitPath(path)) {
    at += "/" + name;
    std::optional<store::NodeInfo> node = pond.Lookup(at);
    if (!node) return false;
    if (node->kind != store::Kind::kDir)
      throw Error("path '" + at + "' exists but is not a directory", r.origin);
  }
  return true;
}

// A copy always writes: it is not idempotent (docs/apply.md).
Outcome CheckCopy(const Pond& pond, const Resource& r) {
  if (!DirsExist(pond, ParentPath(r.path), r)) return Outcome::kCreated;
  std::optional<store::NodeInfo> dest = pond.Lookup(r.path);
  if (!dest) return Outcome::kCreated;
  if (!r.overwrite)
    throw Error("destination '" + r.path + "' already exists; set overwrite: true to replace",
                r.origin);
  if (r.tree.is_dir && dest->kind != store::Kind::kDir)
    throw Error("path '" + r.path + "' exists but is not a directory", r.origin);
  if (!r.tree.is_dir && dest->kind != store::Kind::kData)
    throw Error(
        "path '" + r.path + "' exists and is " + store::KindName(dest->kind) + ", not file:data",
        r.origin);
  return Outcome::kCreated;
}

Outcome CheckMknod(const Pond& pond, const Resource& r) {
  if (!DirsExist(pond, ParentPath(r.path), r)) return Outcome::kCreated;
  std::optional<store::NodeInfo> node = pond.Lookup(r.path);
  if (!node) return Outcome::kCreated;
  if (node->kind != store::Kind::kDynamic)
    throw Error("path '" + r.path + "' exists and is " + store::KindName(node->kind) +
                    ", not a dynamic node",
                r.origin);
  if (node->factory != r.factory->name())
    throw Error("factory type mismatch at '" + r.path + "': existing is '" + node->factory +
                    "', apply specifies '" + r.factory->name() + "'",
                r.origin);
  try {
    return pond.ReadData(*node) == r.config.text ? Outcome::kUnchanged : Outcome::kUpdated;
  } catch (const store::BlobError& e) {
    throw Error(e.message(), r.path);
  }
}

// What applying `r` to the pond as it is now would do; throws for a conflict.
Outcome Check(const Pond& pond, const Resource& r) {
  switch (r.kind) {
    case Kind::kMkdir:
      return DirsExist(pond, r.path, r) ? Outcome::kUnchanged : Outcome::kCreated;
    case Kind::kCopy:
      return CheckCopy(pond, r);
    case Kind::kMknod:
      return CheckMknod(pond, r);
  }
  throw Error("unknown resource kind", r.origin);
}

void Write(store::Transaction& txn, const Resource& r, Outcome outcome) {
  if (outcome == Outcome::kUnchanged) return;
  switch (r.kind) {
    case Kind::kMkdir:
      txn.Mkdir(r.path, /*parents=*/true);
      break;
    case Kind::kCopy:
      txn.Mkdir(ParentPath(r.path), /*parents=*/true);
      store::CopyHostTree(txn, r.source, r.tree, r.path);
      break;
    case Kind::kMknod:
      txn.Mkdir(ParentPath(r.path), /*parents=*/true);
      txn.Mknod(r.path, r.factory->name(), r.config.text,
                /*overwrite=*/outcome == Outcome::kUpdated);
      break;
  }
}

bool Changes(const Report& report) {
  return std::any_of(report.outcomes.begin(), report.outcomes.end(),
                     [](const auto& o) { return o.second != Outcome::kUnchanged; });
}

}  // namespace

std::string OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return "created";
    case Outcome::kUpdated:
      return "updated";
    case Outcome::kUnchanged:
      return "unchanged";
  }
  return "?";
}

Report Apply(Pond& pond, const std::vector<Resource>& resources,
             const std::vector<std::string>& argv, const std::map<std::string, std::string>& vars) {
  // First against the pond as it is, so that a conflict with what it holds fails before
  // any write, and a batch that changes nothing begins no transaction.
  Report report;
  for (const auto& r : resources) report.outcomes.emplace_back(&r, Check(pond, r));
  if (!Changes(report)) return report;

  // Then again as the batch goes: what earlier resources made counts (parents, a
  // copied directory holding a mknod's path). The transaction shows its own writes.
  auto txn = pond.Begin(argv, vars);
  report.outcomes.clear();
  for (const auto& r : resources) {
    const Outcome outcome = Check(pond, r);
    Write(*txn, r, outcome);
    report.outcomes.emplace_back(&r, outcome);
  }
  // Inputs as `pond mknod` checks them, once the whole batch is there to be read.
  {
    factories::View view(pond, vars);
    for (const auto& [r, outcome] : report.outcomes)
      if (r->kind == Kind::kMknod && outcome != Outcome::kUnchanged)
        r->factory->CheckInputs(view, r->path, r->config.checked);
  }
  if (!Changes(report)) return report;  // rolled back: nothing to commit
  txn->Commit();
  report.seq = txn->seq();
  return report;
}

}  // namespace pond::apply
