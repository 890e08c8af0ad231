#include "export/exporter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "base/error.h"
#include "base/log.h"
#include "base/time.h"
#include "engine/copy_stats.h"
#include "engine/duckdb.h"
#include "export/partitioned_copy.h"
#include "export/staging.h"
#include "path/path.h"

namespace fs = std::filesystem;

namespace pond::exporter {

namespace {

const std::vector<std::string> kTemporalKeys = {"year", "month", "day", "hour"};
const int64_t k1990Us = int64_t{631152000} * 1000000;  // 1990-01-01T00:00:00Z

// One match of a stage's pattern, with where its output goes.
struct Target {
  GlobMatch match;
  factories::Node node;
  std::vector<std::string> keys;  // ExportSet levels = output folders
};

// A capture or a node's name becomes a folder or file name under OUT: it must not
// escape OUT or hide itself (`what` names it for the error).
void CheckOutputName(const std::string& name, const std::string& what, const std::string& where) {
  if (name.empty() || name == "." || name == ".." || name[0] == '.' ||
      name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
    throw Error(what + " '" + name + "' would escape the output directory", where);
}

// OUT itself: `--dir ''` names no folder, and `--dir /` would replace top-level
// folders of the file system.
void CheckOutDir(const std::string& out_dir) {
  if (out_dir.empty()) throw UsageError("the output directory is empty", "--dir");
  if (!fs::absolute(out_dir).lexically_normal().has_relative_path())
    throw UsageError("refusing to export into the root directory", "--dir " + out_dir);
}

std::vector<std::string> KeysOf(const GlobMatch& m) {
  if (!m.captures.empty()) return m.captures;
  // No captures: the pond path without its extension names the output.
  std::string p = m.path;
  std::string name = p.substr(p.rfind('/') + 1);
  auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) p.resize(p.size() - (name.size() - dot));
  std::vector<std::string> keys;
  size_t start = 1;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    if (slash == std::string::npos) slash = p.size();
    keys.push_back(p.substr(start, slash - start));
    start = slash + 1;
  }
  return keys;
}

std::string JoinKeys(const std::vector<std::string>& keys, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "/" : "") + keys[i];
  return out;
}

// The output extension of a data target: a template output takes its template
// file's extension without a trailing `.tera`; plain data keeps its own.
std::string DataExtension(const Target& t) {
  std::string name = t.match.path.substr(t.match.path.rfind('/') + 1);
  if (t.node.generated) {
    if (auto tf = t.node.generated->TemplateFile()) {
      name = tf->substr(tf->rfind('/') + 1);
      if (name.size() > 5 && name.ends_with(".tera")) name.resize(name.size() - 5);
    }
  }
  auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? "" : name.substr(dot);
}

class StageRunner {
 public:
  StageRunner(factories::View& view, const ExportOptions& o, const fs::path& staging,
              ExportResult& result)
      : view_(view), o_(o), staging_(staging), result_(result) {}

  TargetOutput Run(const Target& t) {
    switch (t.node.shape) {
      case factories::Shape::kSeries:
      case factories::Shape::kTable: return RunParquet(t);
      case factories::Shape::kData: return RunData(t);
      default: throw Error("cannot export a " + t.node.kind_name, t.match.path);
    }
  }

 private:
  void Claim(const std::string& rel, const std::string& pond_path) {
    auto [it, fresh] = claimed_.emplace(rel, pond_path);
    if (!fresh)
      throw Error("two targets write " + rel + ": " + it->second + " and " + pond_path,
                  o_.out_dir);
  }

  void Warn(const std::string& what, const std::string& where) {
    pond::Warn(what, where);
    result_.warnings.push_back(what + " (" + where + ")");
  }

  TargetOutput RunParquet(const Target& t) {
    engine::Connection& con = view_.pond().sql();
    const std::string rel = view_.RelationSql(t.node);
    engine::Result described = con.Query("DESCRIBE SELECT * FROM " + rel);
    TargetOutput out{t.match.path, t.keys, {}, std::vector<SchemaField>{}};
    bool has_ts = false;
    std::string ts_type;
    std::set<std::string> columns;
    for (size_t r = 0; r < described.row_count(); ++r) {
      const std::string& col = described.at(r, "column_name").as_string();
      const std::string& type = described.at(r, "column_type").as_string();
      columns.insert(col);
      if (col == "timestamp") {
        has_ts = true;
        ts_type = type;
      }
      out.schema->push_back(SplitColumn(col, type));
    }
    std::vector<std::string> parts = has_ts ? o_.temporal : std::vector<std::string>{};
    for (const auto& p : parts)
      if (columns.count(p))
        throw Error("column '" + p + "' has the name of a partition key; rename it or drop --temporal " + p,
                    t.match.path);

    std::vector<std::string> conds;
    if (has_ts && o_.start_us) conds.push_back("\"timestamp\" >= TIMESTAMP " + engine::QuoteLiteral(FormatTimestamp(*o_.start_us)));
    if (has_ts && o_.end_us) conds.push_back("\"timestamp\" < TIMESTAMP " + engine::QuoteLiteral(FormatTimestamp(*o_.end_us)));
    std::string where;
    for (size_t i = 0; i < conds.size(); ++i) where += (i ? " AND " : " WHERE ") + conds[i];
    std::string select = "SELECT *";
    for (const auto& p : parts)
      select += fmt::format(", {}(\"timestamp\") AS {}", p, engine::QuoteIdent(p));
    select += " FROM " + rel + where;

    const std::string rel_dir = JoinKeys(t.keys, t.keys.size());
    const fs::path dir = staging_ / rel_dir;
    Claim(rel_dir + "/", t.match.path);
    std::string copy;
    fs::create_directories(dir.parent_path());  // DuckDB creates only the last level
    std::vector<engine::WrittenFile> written;
    if (parts.empty()) {
      fs::create_directories(dir);
      copy = fmt::format("COPY ({}) TO {} (FORMAT parquet, RETURN_STATS true)", select,
                         engine::QuoteLiteral((dir / "data_0.parquet").string()));
    } else if (IsTimeRangeKeys(parts) && ts_type == "TIMESTAMP") {
      fs::create_directories(dir);
      written = WriteByTime(t, "(SELECT * FROM " + rel + where + ")", parts, dir, columns.size());
    } else {
      std::string by;
      for (const auto& p : parts) by += (by.empty() ? "" : ", ") + engine::QuoteIdent(p);
      copy = fmt::format(
          "COPY ({}) TO {} (FORMAT parquet, PARTITION_BY ({}), FILENAME_PATTERN 'data_{{i}}', "
          "RETURN_STATS true)",
          select, engine::QuoteLiteral(dir.string()), by);
    }
    if (!copy.empty()) written = engine::DecodeCopyStats(con.Query(copy));

    int64_t nulls = 0, early = 0;
    bool early_exact = true;
    for (const auto& w : written) {
      ExportOutput f;
      f.file = fs::path(w.path).lexically_relative(dir).string();
      if (w.min_ts) f.start_time = MicrosToMillis(*w.min_ts);
      if (w.max_ts) f.end_time = MicrosToMillis(*w.max_ts);
      f.rows = w.rows;
      f.bytes = w.bytes;
      out.files.push_back(std::move(f));
      nulls += w.ts_null_count;
      // A file wholly before 1990 counts exactly; one straddling it needs a query.
      if (w.max_ts && *w.max_ts < k1990Us) early += w.rows - w.ts_null_count;
      else if (w.min_ts && *w.min_ts < k1990Us) early_exact = false;
    }
    if (!early_exact) {
      std::string q = "SELECT count(*) AS n FROM (" + select + ") WHERE \"timestamp\" < TIMESTAMP '1990-01-01'";
      early = con.Query(q).at(0, "n").as_int();
    }
    if (early > 0)
      Warn(fmt::format("{} row{} with timestamp before 1990-01-01 exported", early, early == 1 ? "" : "s"),
           t.match.path);
    if (nulls > 0)
      Warn(fmt::format("{} row{} with NULL timestamp exported", nulls, nulls == 1 ? "" : "s"),
           t.match.path);
    SortFiles(out.files);
    return out;
  }

  // Partitions that are time ranges (partitioned_copy.h). A computed relation is
  // first written to one Parquet file, so that each window reads only its part
  // instead of computing the whole relation again.
  std::vector<engine::WrittenFile> WriteByTime(const Target& t, const std::string& relation,
                                               const std::vector<std::string>& parts,
                                               const fs::path& dir, size_t column_count) {
    engine::Connection& con = view_.pond().sql();
    std::string source = relation;
    const fs::path computed = staging_ / ".pond-export-source.parquet";
    if (t.node.generated) {
      con.Execute(fmt::format("COPY (SELECT * FROM {}) TO {} (FORMAT parquet)", relation,
                              engine::QuoteLiteral(computed.string())));
      source = "(SELECT * FROM read_parquet(" + engine::QuoteLiteral(computed.string()) + "))";
    }
    auto written = WritePartitioned(
        con, [this] { return view_.pond().Connect(); }, {source, parts, dir, column_count});
    fs::remove(computed);
    return written;
  }

  TargetOutput RunData(const Target& t) {
    std::string bytes = view_.ReadData(t.node);
    std::string file = t.keys.back() + DataExtension(t);
    std::string rel_dir = JoinKeys(t.keys, t.keys.size() - 1);
    std::string rel = rel_dir.empty() ? file : rel_dir + "/" + file;
    Claim(rel, t.match.path);
    fs::path dest = staging_ / rel;
    fs::create_directories(dest.parent_path());
    std::ofstream f(dest, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw Error("cannot write " + dest.string(), t.match.path);
    TargetOutput out{t.match.path, t.keys, {}, std::nullopt};
    out.files.push_back(ExportOutput{file, std::nullopt, std::nullopt, std::nullopt,
                                     static_cast<int64_t>(bytes.size())});
    return out;
  }

  factories::View& view_;
  const ExportOptions& o_;
  fs::path staging_;
  ExportResult& result_;
  std::map<std::string, std::string> claimed_;  // output path → pond path
};

// Progress on stderr, only on a terminal: "export: 3/10 targets".
class Progress {
 public:
  Progress(bool on, size_t total) : on_(on && StderrIsTty()), total_(total) {}
  void Tick() {
    if (!on_) return;
    ++done_;
    std::fprintf(stderr, "\rexport: %zu/%zu targets", done_, total_);
    if (done_ == total_) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  size_t total_;
  size_t done_ = 0;
};

}  // namespace

std::vector<std::string> ParseTemporal(const std::string& spec) {
  std::vector<std::string> keys;
  size_t pos = 0, next_allowed = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string key = spec.substr(pos, comma - pos);
    size_t k = 0;
    while (k < kTemporalKeys.size() && kTemporalKeys[k] != key) ++k;
    if (k == kTemporalKeys.size())
      throw UsageError("unknown temporal key '" + key + "' (use year, month, day, hour)",
                       "--temporal " + spec);
    if (k < next_allowed)
      throw UsageError("temporal keys must be in the order year, month, day, hour",
                       "--temporal " + spec);
    next_allowed = k + 1;
    keys.push_back(key);
    pos = comma + 1;
  }
  return keys;
}

ExportResult Export(factories::View& view, const ExportOptions& o) {
  CheckOutDir(o.out_dir);
  // Match every stage first: bad captures are rejected before anything is written.
  std::vector<std::vector<Target>> stages;
  size_t total_targets = 0;
  for (const auto& pattern : o.patterns) {
    std::vector<Target> targets;
    for (auto& m : view.GlobFiles(pattern)) {
      for (const auto& c : m.captures) CheckOutputName(c, "capture", pattern);
      factories::Node node = view.Get(m.path);
      if (node.shape == factories::Shape::kExecutable) continue;
      std::vector<std::string> keys = KeysOf(m);
      // Without captures the node's path names the output (`/...series` gives `..`).
      if (m.captures.empty())
        for (const auto& k : keys) CheckOutputName(k, "output name", m.path);
      targets.push_back(Target{std::move(m), std::move(node), std::move(keys)});
    }
    total_targets += targets.size();
    stages.push_back(std::move(targets));
  }

  Staging staging(o.out_dir);
  ExportResult result;
  StageRunner runner(view, o, staging.dir(), result);
  Progress progress(o.progress, total_targets);
  nlohmann::json previous = nlohmann::json::object();
  for (size_t s = 0; s < stages.size(); ++s) {
    view.SetExportContext(previous);
    StageResult stage{o.patterns[s], {}, {}};
    for (const auto& t : stages[s]) {
      bool is_template = t.node.generated && t.node.generated->TemplateFile();
      if (is_template && s == 0 && stage.targets.empty()) {
        Warn("template stage runs before any data stage: its 'export' is empty", o.patterns[s]);
        result.warnings.push_back("template stage runs before any data stage: its 'export' is empty (" +
                                  o.patterns[s] + ")");
      }
      spdlog::info("export: {} ({})", t.match.path, JoinKeys(t.keys, t.keys.size()));
      stage.targets.push_back(runner.Run(t));
      result.total_files += stage.targets.back().files.size();
      progress.Tick();
    }
    stage.export_set = BuildExportSet(stage.targets);
    previous = stage.export_set;
    result.stages.push_back(std::move(stage));
  }
  staging.Commit();
  return result;
}

}  // namespace pond::exporter
