// `pond run PATH [ARGS…]`: runs an executable dynamic node: `hydrovu` (`pond run
// /etc/hydrovu collect`, docs/hydrovu.md), where each device commits in its own
// transaction, taking the write lock only while it stores, so readers are not locked
// out during downloads; `logfile-ingest` (`pond run /etc/ingest`, one transaction,
// docs/logfile-ingest.md); `git-ingest` (`pond run /config pull`, no transaction:
// docs/git-ingest.md); `sitegen` (`pond run /etc/site build OUTDIR`, reads only:
// docs/sitegen.md).
#include <fmt/format.h>

#include <cstdio>

#include "base/error.h"
#include "base/log.h"
#include "base/time.h"
#include "cli/command.h"
#include "engine/duckdb.h"
#include "factories/factory.h"
#include "factories/git_ingest.h"
#include "factories/hydrovu.h"
#include "factories/logfile_ingest.h"
#include "factories/sitegen.h"
#include "factories/view.h"
#include "hydrovu/client.h"
#include "hydrovu/collector.h"
#include "hydrovu/config.h"
#include "logfile/ingest.h"
#include "net/http_client.h"
#include "path/path.h"
#include "site/build.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct RunArgs {
  std::string path;
  std::vector<std::string> args;
  bool quick = false;  // sitegen build --quick
};

// A runnable node as stored: read from a snapshot released on return.
struct Runnable {
  std::string factory;
  std::string raw;  // its config, unexpanded
  uint64_t id = 0;  // its catalog id
};

Runnable ReadRunnable(const std::string& dir, const std::string& path) {
  auto pond = store::Pond::OpenRead(dir);
  store::NodeInfo node = pond->Get(path);
  if (node.kind != store::Kind::kDynamic)
    throw Error("not a dynamic node: " + store::KindName(node.kind), path);
  const factories::Factory& f = factories::GetFactory(node.factory);
  if (!f.runnable()) throw Error("factory '" + node.factory + "' is not executable", path);
  return {node.factory, pond->ReadData(node), static_cast<uint64_t>(node.id)};
}

// The device's resume point, from a snapshot released on return: the writer lock is
// taken only to store.
int64_t ResumeStart(const std::string& dir, const hydrovu::HydroVuConfig& cfg,
                    const hydrovu::HydroVuDevice& device, const GlobalOptions& g) {
  auto pond = store::Pond::OpenRead(dir);
  factories::View view(*pond, g.vars);
  return factories::HydroVuResumeStart(view, cfg, device);
}

// Appends one device's readings as a new version of its series: one transaction.
void StoreReadings(const std::string& dir, const hydrovu::HydroVuConfig& cfg,
                   const hydrovu::HydroVuDevice& device, const hydrovu::DeviceReadings& r,
                   const GlobalOptions& g) {
  const std::string label = fmt::format("{} ({})", device.name, device.id);
  if (r.empty()) {
    if (!g.quiet) std::printf("%s: 0 new rows\n", label.c_str());
    return;
  }
  auto pond = store::Pond::OpenWrite(dir);
  engine::Connection& con = pond->sql();
  std::string create = "CREATE OR REPLACE TEMP TABLE hydrovu_rows (\"timestamp\" TIMESTAMP";
  for (const auto& c : r.columns) create += ", " + engine::QuoteIdent(c) + " DOUBLE";
  con.Execute(create + ")");
  {
    engine::Appender app(con, "hydrovu_rows");
    for (size_t i = 0; i < r.rows(); ++i) {
      app.Time(engine::Timestamp{r.timestamps_us[i]});
      for (const auto& col : r.values) col[i] ? app.Double(*col[i]) : app.Null();
      app.EndRow();
    }
    app.Close();
  }
  std::map<std::string, std::string> vars = g.vars;
  vars["device"] = std::to_string(device.id);
  auto txn = pond->Begin(g.argv, vars);
  const std::string series = cfg.SeriesPath(device);
  txn->Mkdir(ParentPath(series), true);
  txn->AppendSeries(series, store::TableSource{"SELECT * FROM hydrovu_rows", label, ""});
  txn->Commit();
  if (!g.quiet)
    std::printf("%s: %zu rows, %s .. %s, transaction %lld\n", label.c_str(), r.rows(),
                FormatIso(r.timestamps_us.front()).c_str(),
                FormatIso(r.timestamps_us.back()).c_str(), static_cast<long long>(txn->seq()));
}

void Collect(const std::string& dir, const std::string& path, const std::string& raw,
             const GlobalOptions& g) {
  factories::Config config = factories::ExpandConfig(raw, path, g.vars);
  hydrovu::HydroVuConfig cfg = hydrovu::ParseHydroVuConfig(config.root, path);
  net::CurlTransport transport(hydrovu::TimeoutsFor(cfg), int64_t{cfg.max_response_mb} << 20);
  hydrovu::Collector collector(cfg, transport);
  const bool progress = !g.quiet && StderrIsTty();

  hydrovu::CollectHooks hooks;
  hooks.resume_start = [&](const hydrovu::HydroVuDevice& d) { return ResumeStart(dir, cfg, d, g); };
  hooks.store = [&](const hydrovu::HydroVuDevice& d, const hydrovu::DeviceReadings& r) {
    if (progress) std::fprintf(stderr, "\n");
    StoreReadings(dir, cfg, d, r, g);
  };
  hooks.on_failure = [&](const hydrovu::HydroVuDevice& d, const Error& e) {
    if (progress) std::fprintf(stderr, "\n");
    std::fflush(stdout);
    // The collector's errors name the device and page already; a store error
    // names a pond path, and gets the device added.
    const std::string device = "device " + std::to_string(d.id);
    std::fprintf(stderr, "pond: error: %s\n",
                 e.where().starts_with(device) ? e.what() : Error(e.what(), device).what());
  };
  if (progress) {
    hooks.progress = [](const hydrovu::HydroVuDevice& d, int pages, int64_t points) {
      std::fprintf(stderr, "\r%s (%lld): %d pages, %lld points", d.name.c_str(),
                   static_cast<long long>(d.id), pages, static_cast<long long>(points));
    };
  }
  if (!g.quiet)
    for (const auto& d : cfg.devices)
      if (!d.active)
        std::printf("%s (%lld): inactive, skipped\n", d.name.c_str(), static_cast<long long>(d.id));
  std::vector<hydrovu::DeviceOutcome> outcomes;
  try {
    outcomes = collector.Run(hooks);
  } catch (const hydrovu::HydroVuAuthError& e) {
    throw Error(e.message(), path);
  }
  size_t failed = 0;
  for (const auto& o : outcomes) failed += o.error.has_value();
  // Each failed device has had its own error line: the exit status carries the rest.
  if (failed > 0)
    throw ReportedError(fmt::format("{} of {} devices failed", failed, outcomes.size()), path);
}

// logfile-ingest (docs/logfile-ingest.md): no action or `push` ingests, `pull` does
// nothing (the original's), `b3sum` prints the copies' hashes.
void LogfileIngest(const std::string& dir, const RunArgs& a, const std::string& raw,
                   const GlobalOptions& g) {
  const std::string action = a.args.empty() ? "push" : a.args[0];
  if (a.args.size() > 1 || (action != "push" && action != "pull" && action != "b3sum"))
    throw UsageError("factory 'logfile-ingest' runs push (the default), pull or b3sum", a.path);
  const logfile::Config cfg =
      factories::LogfileIngestConfig(factories::ExpandConfig(raw, a.path, g.vars));
  if (action == "pull") {
    if (!g.quiet) std::printf("logfile-ingest: pull has nothing to do (push ingests)\n");
    return;
  }
  if (action == "b3sum") {
    auto pond = store::Pond::OpenRead(dir);
    std::fputs(logfile::B3sum(*pond, cfg).c_str(), stdout);
    return;
  }
  logfile::Reporter report;
  report.say = [&g](const std::string& line) {
    if (!g.quiet) std::printf("%s\n", line.c_str());
  };
  report.warn = [](const std::string& line) {
    std::fflush(stdout);
    std::fprintf(stderr, "pond: warning: %s\n", line.c_str());
  };
  logfile::Ingest(dir, a.path, cfg, g.argv, g.vars, report);
}

// git-ingest (docs/git-ingest.md): no action or `pull` clones or fetches, `status`
// tells the commit reads show, `push` does nothing (the pond never writes to the
// repository). Nothing is written to the pond: the clone lives beside the catalog.
void GitIngest(const std::string& dir, const RunArgs& a, const Runnable& node,
               const GlobalOptions& g) {
  const std::string action = a.args.empty() ? "pull" : a.args[0];
  if (a.args.size() > 1 || (action != "pull" && action != "status" && action != "push"))
    throw UsageError("factory 'git-ingest' runs pull (the default), status or push", a.path);
  const factories::GitIngestConfig cfg =
      factories::ParseGitIngestConfig(factories::ExpandConfig(node.raw, a.path, g.vars));
  if (action == "push") {
    if (!g.quiet)
      std::printf("git-ingest: push has nothing to do (the pond never writes to git)\n");
    return;
  }
  std::optional<std::string> commit;
  try {
    commit = action == "pull" ? factories::GitPull(dir, node.id, cfg)
                              : factories::GitPulledCommit(dir, node.id, cfg);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    // Named as reads name it: the node, then the cause and what it concerns.
    throw Error("dynamic node " + a.path + ": " + e.message(), e.where());
  }
  if (g.quiet && action == "pull") return;
  std::printf("%s\n", commit ? ("at commit " + commit->substr(0, 12)).c_str() : "not yet fetched");
  if (action == "status") {
    std::printf("url: %s\nref: %s\n", cfg.url.c_str(), cfg.ref.c_str());
    if (!cfg.prefix.empty()) std::printf("prefix: %s\n", cfg.prefix.c_str());
  }
}

// sitegen (docs/sitegen.md): `build OUTDIR` builds the site from one snapshot of the
// pond, which it only reads.
void Sitegen(const std::string& dir, const RunArgs& a, const std::string& raw,
             const GlobalOptions& g) {
  if (a.args.size() != 2 || a.args[0] != "build")
    throw UsageError("factory 'sitegen' runs one action: build OUTDIR [--quick]", a.path);
  const sitegen::SiteConfig cfg =
      factories::SitegenConfig(factories::ExpandConfig(raw, a.path, g.vars));
  auto pond = store::Pond::OpenRead(dir);
  factories::View view(*pond, g.vars);
  const site::BuildResult r = site::Build(view, cfg, a.args[1], store::DiskFromEnvironment(),
                                          {.quick = a.quick, .progress = !g.quiet});
  for (const auto& w : r.warnings) std::fprintf(stderr, "pond: warning: %s\n", w.c_str());
  if (g.json) {
    std::printf("{\"pages\": %zu, \"files\": %zu, \"files_written\": %zu, \"files_kept\": %zu}\n",
                r.pages, r.files, r.written, r.kept);
  } else if (!g.quiet) {
    std::printf("sitegen: %zu pages, %zu files (%zu written, %zu kept) in %s\n", r.pages, r.files,
                r.written, r.kept, a.args[1].c_str());
  }
}

void Run(const RunArgs& a, const GlobalOptions& g) {
  const std::string& dir = g.RequireWritablePond();
  const Runnable node = ReadRunnable(dir, a.path);
  const std::string& factory = node.factory;
  const std::string& raw = node.raw;
  if (a.quick && factory != "sitegen") throw UsageError("--quick is for a sitegen build", a.path);
  if (factory == "logfile-ingest") return LogfileIngest(dir, a, raw, g);
  if (factory == "git-ingest") return GitIngest(dir, a, node, g);
  if (factory == "sitegen") return Sitegen(dir, a, raw, g);
  if (factory == "hydrovu") {
    if (a.args.size() != 1 || a.args[0] != "collect")
      throw UsageError("factory 'hydrovu' runs one action: collect", a.path);
    Collect(dir, a.path, raw, g);
    return;
  }
  throw Error("factory '" + factory + "' has no actions", a.path);
}

void RegisterRun(CLI::App& app, GlobalOptions& g) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd =
      app.add_subcommand("run", "run an executable dynamic node (pond run /etc/hydrovu collect)");
  cmd->add_option("path", args->path, "the node")->required();
  cmd->add_option("args", args->args, "action and its arguments");
  cmd->add_flag("--quick", args->quick, "sitegen build: skip the export stages and subsites");
  cmd->callback([args, &g] { Run(*args, g); });
}

}  // namespace

POND_COMMAND("run", RegisterRun);

}  // namespace pond::cli
