// `pond maintain [PATTERN] [--keep-txns N | --keep DURATION]` (docs/storage.md,
// "Physical layout" and "Retention"): merges the blobs of every stored series and
// file:log (docs/append-only.md) matching PATTERN (default every one) now, in one
// transaction. Appends already merge by the tiered policy; this also merges each one's
// unsealed tail into one blob. Logical versions and every read, at every --at, are
// unchanged.
// With --keep-txns N (the newest N transactions) or --keep DURATION (those committed
// in the last 90d, 12h…), the transaction also moves the retention horizon: reads
// --at an older transaction fail from then on, and the blobs only they read are
// deleted once no reader is running (else by the next maintain). The setting is this
// command line's: without it the horizon stays, and only blobs an earlier horizon
// already made unneeded (left while a reader ran) are deleted; a pond whose horizon
// was never set loses no blob.
// Cached reductions no read has used for --cache-keep (default 7d) are dropped by
// every maintain that finds no reader running, with or without the options above.
// The original's `--compact --collapse-versions N` are accepted (docs/original.md):
// every run compacts, and merges every series' unmerged tail whatever N is.
#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "base/error.h"
#include "base/time.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "path/glob.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct MaintainOptions {
  std::string pattern = "/**";
  std::optional<int64_t> keep_txns;
  std::string keep;
  std::string cache_keep = "7d";
  bool compact = false;             // the original's flags: accepted, the run is the same
  int64_t collapse_versions = 0;
};

// `90d`, `12h`, `30m`, `45s`, `2w` in µs; UsageError naming `option` otherwise.
int64_t ParseKeep(const std::string& text, const std::string& option = "--keep") {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  static const std::map<std::string, int64_t> kUnits = {
      {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}};
  auto it = kUnits.find(unit);
  if (digits == 0 || digits > 9 || it == kUnits.end())
    throw UsageError("expected a duration such as 90d, 12h, 30m, 45s or 2w", option + " " + text);
  return std::stoll(text.substr(0, digits)) * it->second * 1'000'000;
}

// The cache files (docs/factories.md, "Cached reductions") are not the pond's state:
// a line only when some were dropped.
std::string CacheSwept(const std::optional<store::CacheSweep>& swept) {
  if (!swept || swept->files == 0) return "";
  return fmt::format("; dropped {} cached results ({} bytes)", swept->files, swept->bytes);
}

void RegisterMaintain(CLI::App& app, GlobalOptions& g) {
  static MaintainOptions o;
  auto* cmd =
      app.add_subcommand("maintain", "merge series and log blobs; drop history past a horizon");
  cmd->add_option("PATTERN", o.pattern,
                  "glob pattern of the series and logs to compact (default /**)");
  auto* txns = cmd->add_option("--keep-txns", o.keep_txns, "keep the newest N transactions")
                   ->check(AtLeast(1));
  cmd->add_option("--keep", o.keep, "keep the transactions of the last DURATION (90d, 12h…)")
      ->excludes(txns);
  cmd->add_option("--cache-keep", o.cache_keep,
                  "drop cached reductions no read used for DURATION (default 7d)");
  cmd->add_flag("--compact", o.compact, "compact (always done; for the original's command lines)");
  cmd->add_option("--collapse-versions", o.collapse_versions,
                  "the original's merge threshold: accepted; every series' tail is merged")
      ->check(AtLeast(1));
  cmd->callback([&g] {
    const int64_t keep_us = o.keep.empty() ? 0 : ParseKeep(o.keep);  // 0: no --keep
    const int64_t cache_keep_us = ParseKeep(o.cache_keep, "--cache-keep");
    auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
    auto txn = pond->Begin(g.argv, g.vars);
    // The horizon: the oldest transaction still to be readable. This one counts.
    int64_t horizon = pond->horizon();
    if (o.keep_txns) horizon = std::max<int64_t>(1, txn->seq() - *o.keep_txns + 1);
    if (!o.keep.empty()) {
      // One query, not one per transaction: a year of 15-minute runs is 35,040 of them.
      horizon = std::min(pond->FirstTxnSince(NowMicros() - keep_us).value_or(txn->seq()),
                         txn->seq());
    }
    const bool moves = horizon > pond->horizon();
    horizon = std::max(horizon, pond->horizon());
    // Merges keep what the view at the horizon shares with the latest (Compact).
    int series = 0, logs = 0, merges = 0;
    for (const auto& m : Glob(o.pattern, pond->tree()).matches) {
      auto node = pond->Lookup(m.path, /*follow_last=*/false);
      if (!node || (node->kind != store::Kind::kSeries && node->kind != store::Kind::kLog))
        continue;
      const int n = txn->Compact(m.path, horizon);
      (node->kind == store::Kind::kLog ? logs : series) += n > 0;
      merges += n;
    }
    if (merges == 0 && !moves) {
      txn.reset();  // rolls back: no empty entry in the log
      const auto d = pond->DeleteUnneededBlobs();  // what an earlier run had to leave
      std::string line = "nothing to compact";
      if (d.blobs > 0) line += fmt::format("; deleted {} blobs ({} bytes)", d.blobs, d.bytes);
      line += CacheSwept(pond->SweepCache(cache_keep_us));
      if (!g.quiet) std::printf("%s\n", line.c_str());
      return;
    }
    if (moves) txn->SetHorizon(horizon);
    txn->Commit();
    const int64_t seq = txn->seq();
    txn.reset();
    const auto d = pond->DeleteUnneededBlobs();
    if (g.quiet) return;
    std::string what = logs == 0     ? fmt::format("{} series", series)
                       : series == 0 ? Plural(logs, "log")
                                     : fmt::format("{} series and {}", series, Plural(logs, "log"));
    std::string line = merges > 0 ? fmt::format("compacted {} ({} merges)", what, merges)
                                  : std::string("compacted nothing");
    if (moves) line += fmt::format("; horizon {}", horizon);
    if (d.blobs > 0) line += fmt::format("; deleted {} blobs ({} bytes)", d.blobs, d.bytes);
    if (d.deferred > 0)
      line += fmt::format("; {} blobs left while a reader runs (the next maintain deletes them)",
                          d.deferred);
    line += CacheSwept(pond->SweepCache(cache_keep_us));
    std::printf("%s in transaction %lld\n", line.c_str(), static_cast<long long>(seq));
  });
}

}  // namespace

POND_COMMAND("maintain", RegisterMaintain);

}  // namespace pond::cli
