// `pond export --pattern P [--pattern P…] --dir OUT [--temporal year,month] [--start T] [--end T] [--rebuild]`
#include <cstdio>

#include "base/error.h"
#include "base/log.h"
#include "base/time.h"
#include "cli/command.h"
#include "export/exporter.h"
#include "factories/view.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct ExportArgs {
  std::vector<std::string> patterns;
  std::string dir;
  std::string temporal;
  std::string start, end;
  bool rebuild = false;
};

std::optional<int64_t> TimeOption(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto t = ParseTime(text);
  if (!t) throw UsageError("not a time: '" + text + "'", option);
  return t;
}

void RunExport(const ExportArgs& a, const GlobalOptions& g) {
  exporter::ExportOptions o;
  o.patterns = a.patterns;
  o.out_dir = a.dir;
  if (!a.temporal.empty()) o.temporal = exporter::ParseTemporal(a.temporal);
  o.start_us = TimeOption(a.start, "--start");
  o.end_us = TimeOption(a.end, "--end");
  o.progress = !g.quiet && !g.json;
  o.rebuild = a.rebuild;
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  factories::View view(*pond, g.vars);
  exporter::ExportResult result = exporter::Export(view, o, store::DiskFromEnvironment());
  if (g.json) {
    std::printf("%s\n", exporter::ToJson(result, a.dir, g.vars).dump().c_str());
  } else if (!g.quiet) {
    std::fputs(exporter::FormatSummary(result, a.dir, g.vars).c_str(), stdout);
  }
}

void RegisterExport(CLI::App& app, GlobalOptions& g) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "export series and tables as Hive-partitioned Parquet, then render templates");
  cmd->add_option("--pattern", args->patterns, "a stage: pond glob of targets (repeatable, in order)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--dir", args->dir, "output directory")->required();
  cmd->add_option("--temporal", args->temporal, "partition keys: subset of year,month,day,hour");
  cmd->add_option("--start", args->start, "first time to export (inclusive)");
  cmd->add_option("--end", args->end, "end of the time range (exclusive)");
  cmd->add_flag("--rebuild", args->rebuild,
                "ignore OUT/.pond-export.json: recompute and rewrite every file");
  cmd->callback([args, &g] { RunExport(*args, g); });
}

}  // namespace

POND_COMMAND("export", RegisterExport);

}  // namespace pond::cli
