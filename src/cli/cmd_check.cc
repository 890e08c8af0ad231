// `pond check [--repair]` (docs/storage.md, "Integrity"): re-hash referenced blobs,
// report orphans, temporaries, missing/corrupt blobs and dangling entries.
#include <fmt/format.h>

#include "backup/backup.h"
#include "base/error.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "store/check.h"
#include "store/restore.h"

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
    case T::kCatalogDamage:
      return "catalog";
  }
  return "unknown";
}

// A damaged catalog back from the first backup (--from, else those the catalog
// still names) that has a snapshot that verifies (docs/storage.md, "A damaged catalog").
// Prints what came back and what did not; returns how many transactions were lost.
size_t RepairCatalog(const std::string& dir, const std::string& from) {
  std::vector<std::string> urls =
      from.empty() ? store::KnownBackupUrls(dir) : std::vector<std::string>{from};
  if (urls.empty())
    throw Error(
        "the catalog is damaged and names no backup it can be repaired from: give "
        "--from URL, or 'pond restore URL DIR'",
        dir);
  std::string why;
  for (const std::string& url : urls) {
    try {
      auto source = backup::OpenObjectStore(url);
      const store::CatalogRepair r = backup::RepairCatalog(*source, dir);
      PrintText(
          fmt::format("restored the catalog from snapshot {} of {} ({} blob files fetched); "
                      "the damaged one is kept as {}\n",
                      r.seq, url, r.fetched, r.kept_as));
      for (const std::string& lost : r.lost) PrintText("not recovered: " + lost + "\n");
      return r.lost.size();
    } catch (const Error& e) {
      why = e.what();
    }
  }
  throw Error("cannot repair the catalog: " + why, dir);
}

void RegisterCheck(CLI::App& app, GlobalOptions& g) {
  static bool repair = false;
  static std::string from;
  auto* cmd = app.add_subcommand("check", "verify blobs and catalog; --repair removes orphans");
  cmd->add_flag("--repair", repair,
                "delete orphan blobs and temporary files; bring a damaged catalog back from a "
                "backup");
  cmd->add_option("--from", from, "the backup URL a damaged catalog comes back from");
  cmd->callback([&g] {
    if (g.at) throw UsageError("check always checks the whole pond", "--at");
    const std::string& dir = g.RequirePond();
    store::CheckReport report = store::CheckPond(dir, repair);
    size_t lost_transactions = 0;
    if (repair && report.catalog_damaged()) {
      for (const auto& p : report.problems) PrintText(p.text + "\n");
      const size_t lost = RepairCatalog(dir, from);
      // The blobs of lost transactions stay: this run removes nothing more.
      report = store::CheckPond(dir, /*repair=*/false);
      lost_transactions = lost;
    }
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
      // A damaged catalog's rows were not read: there is nothing to count.
      if (!report.catalog_damaged() || repair)
        PrintText(fmt::format("checked {}, {}, {}\n", Plural(report.versions, "version"),
                              Plural(report.blobs, "blob"), Plural(report.nodes, "node")));
      for (const auto& p : report.problems)
        PrintText(
            (p.repaired && p.type != store::CheckProblem::Type::kCatalogDamage ? "removed " : "") +
            p.text + "\n");
      if (left == 0) PrintText("ok\n");
    }
    if (lost_transactions > 0)
      throw Error("the catalog is back, but " +
                      Plural(static_cast<int64_t>(lost_transactions), "transaction") +
                      " could not be recovered",
                  dir);
    if (left == 0) return;
    std::string what =
        "check found " + Plural(static_cast<int64_t>(repair ? left : found), "problem");
    if (!repair && report.catalog_damaged() && report.repairable() == found)
      what += "; 'pond check --repair' rewrites the damaged pages from the write-ahead log";
    else if (!repair && report.catalog_damaged())
      what +=
          "; the catalog is damaged: 'pond check --repair [--from URL]' brings it back from a "
          "backup";
    else if (!repair && report.repairable() > 0)
      what += fmt::format("; {} repairable with 'pond check --repair'", report.repairable());
    if (repair) what += " that --repair cannot fix";
    throw Error(what, dir);
  });
}

}  // namespace

POND_COMMAND("check", RegisterCheck);

}  // namespace pond::cli
