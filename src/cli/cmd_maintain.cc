// `pond maintain [PATTERN]`: merges the blobs of every stored series matching
// PATTERN (default every series) now, in one transaction (docs/storage.md,
// "Physical layout"). Appends already merge by the tiered policy; this also merges
// each series' unsealed tail into one blob. Logical versions and every read, at
// every --at, are unchanged.
#include "base/error.h"
#include "cli/command.h"
#include "path/glob.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

void RegisterMaintain(CLI::App& app, GlobalOptions& g) {
  static std::string pattern = "/**";
  auto* cmd = app.add_subcommand("maintain", "merge the blobs of series (compaction)");
  cmd->add_option("PATTERN", pattern, "glob pattern of the series to compact (default /**)");
  cmd->callback([&g] {
    if (g.at) throw UsageError("--at is only for read-only commands", "--at");
    auto pond = store::Pond::OpenWrite(g.RequirePond());
    auto txn = pond->Begin(g.argv, g.vars);
    int series = 0, merges = 0;
    for (const auto& m : Glob(pattern, pond->tree()).matches) {
      auto node = pond->Lookup(m.path, /*follow_last=*/false);
      if (!node || node->kind != store::Kind::kSeries) continue;
      const int n = txn->Compact(m.path);
      series += n > 0;
      merges += n;
    }
    if (merges == 0) {
      if (!g.quiet) std::printf("nothing to compact\n");
      return;  // the transaction rolls back: no empty entry in the log
    }
    txn->Commit();
    if (!g.quiet)
      std::printf("compacted %d series (%d merges) in transaction %lld\n", series, merges,
                  static_cast<long long>(txn->seq()));
  });
}

}  // namespace

POND_COMMAND("maintain", RegisterMaintain);

}  // namespace pond::cli
