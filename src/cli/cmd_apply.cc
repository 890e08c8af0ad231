// `pond apply -f FILE [-f FILE…]` (docs/apply.md): the resources of YAML files made so
// in one transaction, each reported as created, updated or unchanged; nothing is
// committed when nothing changed.
#include <algorithm>
#include <cstdio>

#include "apply/apply.h"
#include "apply/resource.h"
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

void Print(const apply::Report& report) {
  for (const auto& [r, outcome] : report.outcomes)
    std::printf("  %s  %s\n", apply::OutcomeName(outcome).c_str(), r->path.c_str());
  const auto count = [&](apply::Outcome o) {
    return static_cast<int>(std::count_if(report.outcomes.begin(), report.outcomes.end(),
                                          [o](const auto& r) { return r.second == o; }));
  };
  const int created = count(apply::Outcome::kCreated), updated = count(apply::Outcome::kUpdated),
            unchanged = count(apply::Outcome::kUnchanged);
  if (report.seq == 0) {
    std::printf("apply: all %d resource(s) unchanged, no transaction committed\n", unchanged);
  } else {
    std::printf("apply: %d created, %d updated, %d unchanged\n", created, updated, unchanged);
  }
}

void RegisterApply(CLI::App& app, GlobalOptions& g) {
  static std::vector<std::string> files;
  auto* cmd = app.add_subcommand("apply", "create or update resources declared in YAML files");
  cmd->add_option("-f,--file", files, "a YAML file of resource documents (repeatable)")->required();
  cmd->callback([&g] {
    const std::string& dir = g.RequireWritablePond();
    // Every file read and checked before the pond is opened.
    const std::vector<apply::Resource> resources = apply::ReadResources(files, g.vars);
    auto pond = store::Pond::OpenWrite(dir);
    const apply::Report report = apply::Apply(*pond, resources, g.argv, g.vars);
    if (!g.quiet) Print(report);
  });
}

}  // namespace

POND_COMMAND("apply", RegisterApply);

}  // namespace pond::cli
