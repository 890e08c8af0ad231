#include "logfile/plan.h"

#include <set>

#include "base/error.h"

namespace pond::logfile {

namespace {

std::string Bytes(int64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

Plan PlanRun(const std::vector<HostFile>& host, const std::map<std::string, PondCopy>& pond_in,
             const PrefixHash& hash_host,
             const std::function<bool(const std::string& name)>& archived_changed) {
  // The rotation check and the append check ask for the same prefix: hashed once.
  std::map<std::pair<std::string, int64_t>, std::string> hashed;
  const auto prefix_hash = [&](const std::string& path, int64_t bytes) -> const std::string& {
    auto it = hashed.find({path, bytes});
    if (it == hashed.end()) it = hashed.emplace(std::pair{path, bytes}, hash_host(path, bytes)).first;
    return it->second;
  };
  Plan plan;
  std::map<std::string, PondCopy> pond = pond_in;  // refreshed by rotations
  std::set<std::string> rotated_into;              // archived files a rotation completed

  // 1. Rotations: the active file's copy is no longer a prefix of it.
  for (const HostFile& b : host) {
    if (!b.active) continue;
    auto copy = pond.find(b.name);
    if (copy == pond.end() || copy->second.size == 0) continue;
    const PondCopy& n = copy->second;
    if (b.size >= n.size && prefix_hash(b.path, n.size) == n.blake3) continue;
    const HostFile* found = nullptr;
    for (const HostFile& y : host) {
      if (y.active || pond.count(y.name) || y.size < n.size) continue;
      if (prefix_hash(y.path, n.size) == n.blake3) {
        found = &y;
        break;
      }
    }
    if (!found) {
      plan.warnings.push_back(b.name + " changed but no matching archived file found");
      continue;
    }
    plan.steps.push_back({Step::Kind::kRotate, b.name, found->path, n.size, found->size, found->name});
    pond[found->name] = PondCopy{found->size, ""};  // whole now; its hash is the host's
    rotated_into.insert(found->name);
    pond.erase(copy);
  }

  // 2. Every host file against the refreshed copies.
  for (const HostFile& f : host) {
    auto copy = pond.find(f.name);
    if (copy == pond.end()) {
      plan.steps.push_back({Step::Kind::kNew, f.name, f.path, 0, f.size, ""});
      continue;
    }
    const PondCopy& n = copy->second;
    if (!f.active) {
      if (rotated_into.count(f.name)) continue;
      if (f.size != n.size || (archived_changed(f.name) && prefix_hash(f.path, f.size) != n.blake3))
        throw Error("Archived file " + f.name + " CHANGED - violates immutability assumption!",
                    f.path);
      ++plan.unchanged;
      continue;
    }
    if (f.size > n.size) {
      if (prefix_hash(f.path, n.size) != n.blake3)
        throw Error("Prefix verification failed for " + f.name + ": its first " + Bytes(n.size) +
                        " are not the pond's copy. File may have been rotated during ingestion.",
                    f.path);
      plan.steps.push_back({Step::Kind::kAppend, f.name, f.path, n.size, f.size, ""});
    } else if (f.size < n.size) {
      plan.warnings.push_back(f.name + " shrunk from " + Bytes(n.size) + " to " + Bytes(f.size) +
                              "; nothing ingested");
    } else {
      ++plan.unchanged;
    }
  }
  return plan;
}

}  // namespace pond::logfile
