// `pond check [--repair]` (docs/storage.md, "Integrity"): re-hash referenced blobs,
// report orphans, temporaries, missing/corrupt blobs and dangling entries.
#include <fmt/format.h>

#include "base/error.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "store/check.h"

namespace pond::cli {

namespace {

std::string TypeName(store::CheckProblem::Type t) {
  using T = store::CheckProblem::Type;
  switch (t) {
    case T::kDangling:
      return "dangling";
    case T::kMissingBlob:
      return "missing";
    case T::kCorruptBlob:
      return "corrupt";
    case T::kOrphanBlob:
      return "orphan";
    case T::kTemporaryFile:
      return "temporary";
    case T::kLogMismatch:
      return "log";
  }
  return "unknown";
}

void RegisterCheck(CLI::App& app, GlobalOptions& g) {
  static bool repair = false;
  auto* cmd = app.add_subcommand("check", "verify blobs and catalog; --repair removes orphans");
  cmd->add_flag("--repair", repair, "delete orphan blobs and temporary files");
  cmd->callback([&g] {
    if (g.at) throw UsageError("check always checks the whole pond", "--at");
    const std::string& dir = g.RequirePond();
    store::CheckReport report = store::CheckPond(dir, repair);
    const size_t found = report.problems.size();
    const size_t left = report.unrepaired();
    if (g.json) {
      std::vector<nlohmann::ordered_json> problems;
      for (const auto& p : report.problems)
        problems.push_back({{"type", TypeName(p.type)},
                            {"text", p.text},
                            {"repairable", p.repairable},
                            {"repaired", p.repaired}});
      nlohmann::ordered_json j{{"versions", report.versions},
                               {"blobs", report.blobs},
                               {"nodes", report.nodes},
                               {"problems", problems},
                               {"ok", left == 0}};
      PrintText(JsonText(j) + "\n");
    } else {
      PrintText(fmt::format("checked {}, {}, {}\n", Plural(report.versions, "version"),
                            Plural(report.blobs, "blob"), Plural(report.nodes, "node")));
      for (const auto& p : report.problems)
        PrintText((p.repaired ? "removed " : "") + p.text + "\n");
      if (left == 0) PrintText("ok\n");
    }
    if (left == 0) return;
    std::string what =
        "check found " + Plural(static_cast<int64_t>(repair ? left : found), "problem");
    if (!repair && report.repairable() > 0)
      what += fmt::format("; {} repairable with 'pond check --repair'", report.repairable());
    if (repair) what += " that --repair cannot fix";
    throw Error(what, dir);
  });
}

}  // namespace

POND_COMMAND("check", RegisterCheck);

}  // namespace pond::cli
