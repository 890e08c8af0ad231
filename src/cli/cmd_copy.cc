// `pond copy SRC... DEST [--format data|table|series]` (spec cli.md): host files into
// the pond in one transaction, or pond files matched by globs out to a host directory.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "engine/duckdb.h"
#include "path/glob.h"
#include "path/path.h"
#include "store/disk.h"
#include "store/pond.h"
#include "store/table_source.h"

namespace pond::cli {

namespace {

namespace fs = std::filesystem;
using store::Kind;

constexpr std::string_view kHostPrefix = "host://";

struct CopyOptions {
  std::vector<std::string> args;  // SRC... DEST
  std::string format = "data";
  std::string timestamp_unit;
};

// `host://data/a.csv` → `data/a.csv`, `host:///tmp/a.csv` → `/tmp/a.csv`.
std::string HostPath(const std::string& arg) {
  return arg.starts_with(kHostPrefix) ? arg.substr(kHostPrefix.size()) : arg;
}

std::string ReadHostFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CopyIn(const GlobalOptions& g, const CopyOptions& o) {
  if (g.at) throw UsageError("--at is only for read-only commands", "--at");
  const std::vector<std::string> srcs(o.args.begin(), o.args.end() - 1);
  const std::string dest = o.args.back();
  for (const auto& s : srcs) {
    const std::string path = HostPath(s);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("no such file", path);
    if (!fs::is_regular_file(path, ec)) throw Error("not a regular file", path);
  }
  auto pond = store::Pond::OpenWrite(g.RequirePond());
  auto dest_node = pond->Lookup(dest);
  const bool into_dir = dest_node && dest_node->kind == Kind::kDir;
  if (srcs.size() > 1 && !into_dir) throw Error("not an existing directory", dest);

  auto txn = pond->Begin(g.argv, g.vars);
  int64_t rows = 0, bytes = 0;
  for (const auto& s : srcs) {
    const std::string host = HostPath(s);
    const std::string target =
        into_dir ? JoinPath(NormalizePath(dest), fs::path(host).filename().string()) : dest;
    if (o.format == "data") {
      bytes += txn->WriteData(target, ReadHostFile(host)).size;
      continue;
    }
    store::TableSource source = store::HostFileSource(pond->sql(), host, o.timestamp_unit);
    store::VersionInfo v =
        o.format == "table" ? txn->WriteTable(target, source) : txn->AppendSeries(target, source);
    rows += v.rows.value_or(0);
  }
  txn->Commit();
  if (g.quiet) return;
  const std::string amount = o.format == "data" ? Plural(bytes, "byte") : Plural(rows, "row");
  std::printf("copied %s (%s) in transaction %lld\n",
              Plural(static_cast<int64_t>(srcs.size()), "file").c_str(), amount.c_str(),
              static_cast<long long>(txn->seq()));
}

void CopyOut(const GlobalOptions& g, const CopyOptions& o) {
  const std::string dest = HostPath(o.args.back());
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  // Every matched file and its host name, all checked before anything is written.
  std::vector<std::pair<std::string, std::string>> plan;  // pond path, host path
  std::set<std::string> names;
  for (auto it = o.args.begin(); it != o.args.end() - 1; ++it) {
    GlobResult r = Glob(*it, pond->tree());
    for (const auto& w : r.warnings) Warn(w);
    if (r.matches.empty()) throw Error("pattern matched nothing", *it);
    for (const auto& m : r.matches) {
      if (m.is_dir) continue;
      const std::string name = BaseName(m.path);
      const std::string host = (fs::path(dest) / name).string();
      if (!names.insert(name).second) throw Error("two matched files are named " + name, dest);
      std::error_code ec;
      if (fs::exists(host, ec)) throw Error("host file exists", host);
      plan.emplace_back(m.path, host);
    }
  }
  store::RealDisk().MakeDirs(dest);
  for (const auto& [path, host] : plan) {
    store::NodeInfo node = pond->Get(path);
    if (node.kind == Kind::kData) {
      store::RealDisk().WriteFile(host, pond->ReadData(node));
    } else if (node.kind == Kind::kTable || node.kind == Kind::kSeries) {
      try {
        pond->sql().Execute("COPY (SELECT * FROM " + pond->RelationSql(node) + ") TO " +
                            engine::QuoteLiteral(host) + " (FORMAT parquet)");
      } catch (const Error& e) {
        std::error_code ec;
        fs::remove(host, ec);
        throw store::SourceError(e, path);
      }
    } else {
      throw Error("cannot copy a " + store::KindName(node.kind) + " node out", path);
    }
  }
  if (!g.quiet)
    std::printf("copied %s to %s\n", Plural(static_cast<int64_t>(plan.size()), "file").c_str(),
                dest.c_str());
}

void RegisterCopy(CLI::App& app, GlobalOptions& g) {
  static CopyOptions o;
  auto* cmd = app.add_subcommand("copy", "copy host files into the pond, or pond files out");
  cmd->add_option("SRC_DEST", o.args, "SRC... DEST (host:// marks a host path)")
      ->required()
      ->expected(2, -1);
  cmd->add_option("--format", o.format, "what to store: data (bytes), table or series")
      ->check(CLI::IsMember({"data", "table", "series"}));
  cmd->add_option("--timestamp-unit", o.timestamp_unit,
                  "series: the time column holds Unix epochs in s or ms")
      ->check(CLI::IsMember({"s", "ms"}));
  cmd->callback([&g] {
    if (o.args.back().starts_with(kHostPrefix)) {
      CopyOut(g, o);
    } else {
      CopyIn(g, o);
    }
  });
}

}  // namespace

POND_COMMAND("copy", RegisterCopy);

}  // namespace pond::cli
