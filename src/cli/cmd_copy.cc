// `pond copy SRC... DEST [--format data|table|series|log]` (docs/cli.md): host files
// into the pond in one transaction, or pond files matched by globs out to a host
// directory.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "engine/duckdb.h"
#include "export/staging.h"
#include "path/glob.h"
#include "path/path.h"
#include "store/disk.h"
#include "store/host_copy.h"
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
  std::string strip_prefix;  // copy-out: the pond directory DEST stands for
};

// A `scheme://` other than host:// (the original's `host+table://`, `csv://`,
// `s3://`) is refused by name, before it is taken for a host or pond path.
void CheckScheme(const std::string& arg) {
  static const std::regex scheme("^([A-Za-z][A-Za-z0-9+.-]*)://");
  std::smatch m;
  if (!std::regex_search(arg, m, scheme) || arg.starts_with(kHostPrefix)) return;
  const std::string hint = m[1].str().starts_with("host+")
                               ? "use host:// with --format " + m[1].str().substr(5)
                               : "copy takes host:// paths and pond paths";
  throw Error("unsupported URL scheme '" + m[1].str() + "://': " + hint, arg);
}

void CopyIn(const GlobalOptions& g, const CopyOptions& o) {
  if (!o.strip_prefix.empty())
    throw Error("only copying out (DEST host://...) takes it", "--strip-prefix");
  const std::vector<std::string> srcs(o.args.begin(), o.args.end() - 1);
  const std::string dest = o.args.back();
  for (const auto& s : srcs) store::CheckHostFile(store::HostPathOf(s));
  auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
  auto dest_node = pond->Lookup(dest);
  const bool into_dir = dest_node && dest_node->kind == Kind::kDir;
  if (srcs.size() > 1 && !into_dir) throw Error("not an existing directory", dest);

  auto txn = pond->Begin(g.argv, g.vars);
  int64_t rows = 0, bytes = 0, versions = 0;
  for (const auto& s : srcs) {
    const std::string host = store::HostPathOf(s);
    const std::string target =
        into_dir ? JoinPath(NormalizePath(dest), fs::path(host).filename().string()) : dest;
    if (o.format == "data") {
      bytes += txn->WriteDataFile(target, host).size;
      ++versions;
      continue;
    }
    if (o.format == "log") {
      // Its size now: bytes written to it meanwhile wait for the next copy.
      const int64_t size = static_cast<int64_t>(fs::file_size(host));
      auto node = pond->Lookup(target);
      const int64_t had = node && node->kind == Kind::kLog ? pond->LogStateOf(*node).size : 0;
      const int64_t added = txn->AppendData(target, host, size).size - had;
      versions += !node || added > 0;
      bytes += added;
      continue;
    }
    store::TableSource source = store::HostFileSource(pond->sql(), host, o.timestamp_unit);
    store::VersionInfo v =
        o.format == "table" ? txn->WriteTable(target, source) : txn->AppendSeries(target, source);
    rows += v.rows.value_or(0);
    ++versions;
  }
  if (versions == 0) {  // logs with no new bytes: no empty transaction
    txn.reset();
    if (!g.quiet) std::printf("no new bytes\n");
    return;
  }
  txn->Commit();
  if (g.quiet) return;
  const std::string amount =
      o.format == "data" || o.format == "log" ? Plural(bytes, "byte") : Plural(rows, "row");
  std::printf("copied %s (%s) in transaction %lld\n",
              Plural(static_cast<int64_t>(srcs.size()), "file").c_str(), amount.c_str(),
              static_cast<long long>(txn->seq()));
}

// DEST/.pond-copy-<pid>/: where copy-out writes before renaming into DEST. Removed
// on destruction; Commit() renames every staged file into DEST, creating the folders
// it needs, and undoes the renames and folders already done if one fails (the
// names were free when the copy began). Every write goes through `disk`. A copy
// killed midway leaves each file in DEST whole or absent, and its staging folder,
// which the next copy-out into DEST deletes.
class CopyOutStaging {
 public:
  CopyOutStaging(store::Disk& disk, const std::string& dest)
      : disk_(disk),
        dest_(dest),
        dir_(fs::path(dest) / (".pond-copy-" + std::to_string(::getpid()))) {
    // Leftovers of killed copies (this pid's included), as the export does.
    exporter::RemoveStaleStaging(disk_, dest, ".pond-copy-");
    disk_.MakeDirsUnsynced(dir_.string());
  }
  ~CopyOutStaging() { RemoveQuietly(dir_); }
  CopyOutStaging(const CopyOutStaging&) = delete;
  CopyOutStaging& operator=(const CopyOutStaging&) = delete;

  // Where to write the file that goes to DEST/`rel`.
  std::string PathFor(const fs::path& rel) {
    disk_.MakeDirsUnsynced((dir_ / rel).parent_path().string());
    rels_.push_back(rel);
    return (dir_ / rel).string();
  }
  void Commit() {
    std::vector<fs::path> done, made;  // files moved, folders created (outermost first)
    const auto undo = [&] {
      for (const auto& d : done) RemoveQuietly(fs::path(dest_) / d);
      for (auto it = made.rbegin(); it != made.rend(); ++it) RemoveQuietly(*it);
    };
    for (const auto& rel : rels_) {
      const fs::path target = fs::path(dest_) / rel;
      std::error_code ec;
      fs::path at;
      try {
        for (const auto& part : rel.parent_path()) {
          at = at.empty() ? fs::path(dest_) / part : at / part;
          if (fs::is_directory(at, ec)) continue;
          if (fs::exists(fs::symlink_status(at, ec))) throw Error("host file exists", at.string());
          disk_.MakeDirsUnsynced(at.string());
          made.push_back(at);
        }
        // Created by someone else meanwhile?
        if (fs::exists(fs::symlink_status(target, ec)))
          throw Error("host file exists", target.string());
        disk_.Rename((dir_ / rel).string(), target.string());
      } catch (const Error&) {
        undo();
        throw;
      }
      done.push_back(rel);
    }
  }

 private:
  // Best effort: what stays is a leftover, not a failure of the copy.
  void RemoveQuietly(const fs::path& path) {
    try {
      disk_.Remove(path.string());
    } catch (const Error& e) {
      spdlog::debug("{}", e.what());
    }
  }

  store::Disk& disk_;
  std::string dest_;
  fs::path dir_;
  std::vector<fs::path> rels_;
};

// Where below DEST a matched pond file goes: its pond path, less `strip` (a pond
// directory) when given, so DEST keeps the pond's structure.
fs::path RelativeHostPath(const std::string& pond_path, const std::string& strip) {
  if (strip.empty() || strip == "/") return pond_path.substr(1);
  if (!pond_path.starts_with(strip + "/"))
    throw Error("not below --strip-prefix " + strip, pond_path);
  return pond_path.substr(strip.size() + 1);
}

void CopyOut(const GlobalOptions& g, const CopyOptions& o) {
  const std::string dest = store::HostPathOf(o.args.back());
  const std::string strip = o.strip_prefix.empty() ? "" : NormalizePath(o.strip_prefix);
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  // Every matched file and its place below DEST, all checked before anything is written.
  std::vector<std::pair<std::string, fs::path>> plan;  // pond path, host path below DEST
  std::set<std::string> seen;
  for (auto it = o.args.begin(); it != o.args.end() - 1; ++it) {
    GlobResult r = Glob(*it, pond->tree());
    for (const auto& w : r.warnings) Warn(w);
    if (r.matches.empty()) throw Error("pattern matched nothing", *it);
    for (const auto& m : r.matches) {
      if (m.is_dir || !seen.insert(m.path).second) continue;
      const fs::path rel = RelativeHostPath(m.path, strip);
      const std::string host = (fs::path(dest) / rel).string();
      std::error_code ec;
      if (fs::exists(host, ec)) throw Error("host file exists", host);
      plan.emplace_back(m.path, rel);
    }
  }
  store::Disk& disk = store::DiskFromEnvironment();
  disk.MakeDirs(dest);
  // All or nothing: every file is written into a staging folder inside DEST (same file
  // system), then renamed into place; a failure on any file leaves DEST as it was.
  CopyOutStaging staging(disk, dest);
  for (const auto& [path, rel] : plan) {
    store::NodeInfo node = pond->Get(path);
    const std::string host = (fs::path(dest) / rel).string();
    const std::string staged = staging.PathFor(rel);
    if (node.kind == Kind::kData || node.kind == Kind::kLog) {
      try {
        disk.ExternalWrite(staged, [&] {
          store::FileWriter out(staged);
          pond->StreamData(node, [&](std::string_view chunk) { out.Write(chunk); });
          out.Close();
        });
      } catch (const store::BlobError& e) {
        throw Error(e.message(), path);
      } catch (const Error& e) {
        if (e.where() != staged) throw;
        throw Error(e.message(), host);  // the file the user asked for, not the staged one
      }
    } else if (node.kind == Kind::kTable || node.kind == Kind::kSeries) {
      try {
        disk.ExternalWrite(staged, [&] {
          pond->sql().Execute("COPY (SELECT * FROM " + pond->RelationSql(node) + ") TO " +
                              engine::QuoteLiteral(staged) + " (FORMAT parquet)");
        });
      } catch (const store::BlobError& e) {
        throw Error(e.message(), path);
      } catch (const Error& e) {
        throw store::SourceError(e, path);
      }
    } else {
      throw Error("cannot copy a " + store::KindName(node.kind) + " node out", path);
    }
  }
  staging.Commit();
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
  cmd->add_option("--format", o.format,
                  "what to store: data (bytes), table, series, or log (appends new bytes)")
      ->check(CLI::IsMember({"data", "table", "series", "log"}));
  cmd->add_option("--timestamp-unit", o.timestamp_unit,
                  "series: the time column holds Unix epochs in s or ms")
      ->check(CLI::IsMember({"s", "ms"}));
  cmd->add_option("--strip-prefix", o.strip_prefix,
                  "copy out: write paths below this pond directory, without it");
  cmd->callback([&g] {
    for (const auto& arg : o.args) CheckScheme(arg);
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
