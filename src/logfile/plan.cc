#include "logfile/plan.h"

#include <set>

#include "base/error.h"

namespace pond::logfile {

namespace {

std::string Bytes(int64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

const HostFile* FindRotation(const PondCopy& copy, const std::vector<HostFile>& host,
                             const std::map<std::string, PondCopy>& pond,
                             const PrefixHash& prefix_hash) {
  for (const HostFile& y : host)
    if (!y.active && !pond.count(y.name) && y.size >= copy.size &&
        prefix_hash(y.path, copy.size) == copy.blake3)
      return &y;
  return nullptr;
}

Plan PlanRun(const std::vector<HostFile>& host, const std::map<std::string, PondCopy>& pond,
             const std::vector<std::string>& gone_active, const PrefixHash& prefix_hash,
             const std::function<bool(const std::string& name)>& archived_changed) {
  Plan plan;
  std::set<std::string> claimed;  // archived files a rotation completes

  for (const std::string& name : gone_active) {
    const PondCopy& n = pond.at(name);
    if (const HostFile* y = n.size > 0 ? FindRotation(n, host, pond, prefix_hash) : nullptr) {
      plan.steps.push_back({Step::Kind::kRotate, name, y->path, n.size, y->size, y->name});
      claimed.insert(y->name);
    }
  }

  for (const HostFile& b : host) {
    if (!b.active) continue;
    auto copy = pond.find(b.name);
    if (copy == pond.end()) continue;
    const PondCopy& n = copy->second;
    if (b.size >= n.size) {
      plan.steps.push_back({Step::Kind::kAppend, b.name, b.path, n.size, b.size, ""});
      continue;
    }
    if (const HostFile* y = n.size > 0 ? FindRotation(n, host, pond, prefix_hash) : nullptr) {
      plan.steps.push_back({Step::Kind::kRotate, b.name, y->path, n.size, y->size, y->name});
      claimed.insert(y->name);
      continue;
    }
    plan.warnings.push_back(b.name + " changed but no matching archived file found");
    plan.warnings.push_back(b.name + " shrunk from " + Bytes(n.size) + " to " + Bytes(b.size) +
                            "; nothing ingested");
  }

  for (const HostFile& f : host) {
    auto copy = pond.find(f.name);
    const bool rotated_away = [&] {
      for (const Step& s : plan.steps)
        if (s.kind == Step::Kind::kRotate && s.name == f.name) return true;
      return false;
    }();
    if (copy == pond.end() || rotated_away) {
      if (!claimed.count(f.name))
        plan.steps.push_back({Step::Kind::kNew, f.name, f.path, 0, f.size, ""});
      continue;
    }
    if (f.active) continue;  // planned above
    const PondCopy& n = copy->second;
    if (f.size != n.size || (archived_changed(f.name) && prefix_hash(f.path, f.size) != n.blake3))
      throw Error("Archived file " + f.name + " CHANGED - violates immutability assumption!",
                  f.path);
    ++plan.unchanged;
  }
  return plan;
}

}  // namespace pond::logfile
