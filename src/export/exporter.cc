#include "export/exporter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/error.h"
#include "base/log.h"
#include "base/time.h"
#include "engine/copy_stats.h"
#include "engine/duckdb.h"
#include "export/manifest.h"
#include "export/partitioned_copy.h"
#include "export/staging.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "path/path.h"
#include "store/blob_store.h"

namespace fs = std::filesystem;

namespace pond::exporter {

namespace {

const std::vector<std::string> kTemporalKeys = {"year", "month", "day", "hour"};
const int64_t k1990Us = int64_t{631152000} * 1000000;  // 1990-01-01T00:00:00Z

// One match of a stage's pattern, with where its output goes.
struct Target {
  GlobMatch match;
  factories::Node node;
  std::vector<std::string> keys;      // ExportSet levels = output folders
  std::vector<std::string> temporal;  // its time partitions (ExportOptions)
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

// One time partition a target may have: [begin, end) and its folder.
struct Candidate {
  int64_t begin = 0, end = 0;
  std::string folder;  // "year=2024/month=7"
};

// The partitions of `keys` (IsTimeRangeKeys) that times in `extent` can fall in,
// clipped to `bounds`; nullopt when there would be too many to be worth it.
std::optional<std::vector<Candidate>> CandidatesOf(const factories::TimeExtent& extent,
                                                   const std::vector<std::string>& keys,
                                                   const TimeRange& bounds) {
  using namespace std::chrono;
  std::vector<Candidate> out;
  if (extent.empty) return out;
  const std::string& unit = keys.back();
  auto floor_to = [&](int64_t us) -> sys_time<microseconds> {
    const sys_time<microseconds> t{microseconds{us}};
    const sys_days d = floor<days>(t);
    const year_month_day ymd{d};
    if (unit == "year") return sys_days{ymd.year() / January / 1};
    if (unit == "quarter")
      return sys_days{ymd.year() / month{(static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1} / 1};
    if (unit == "month") return sys_days{ymd.year() / ymd.month() / 1};
    if (unit == "day") return d;
    if (unit == "hour") return floor<hours>(t);
    return floor<minutes>(t);
  };
  auto next = [&](sys_time<microseconds> t) -> sys_time<microseconds> {
    const year_month_day ymd{floor<days>(t)};
    if (unit == "year") return sys_days{(ymd.year() + years{1}) / January / 1};
    if (unit == "quarter" || unit == "month") {
      const year_month_day n = ymd + months{unit == "quarter" ? 3 : 1};
      return sys_days{n.year() / n.month() / 1};
    }
    if (unit == "day") return t + days{1};
    if (unit == "hour") return t + hours{1};
    return t + minutes{1};
  };
  int64_t first = extent.min, last = extent.max;
  if (bounds.begin) first = std::max(first, *bounds.begin);
  if (bounds.end) last = std::min(last, *bounds.end - 1);
  constexpr size_t kMaxCandidates = 20000;
  for (auto t = floor_to(first); t.time_since_epoch().count() <= last; t = next(t)) {
    if (out.size() == kMaxCandidates) return std::nullopt;
    const year_month_day ymd{floor<days>(t)};
    const auto hour = duration_cast<hours>(t - floor<days>(t)).count();
    const auto minute = duration_cast<minutes>(t - floor<hours>(t)).count();
    Candidate c{t.time_since_epoch().count(), next(t).time_since_epoch().count(), ""};
    for (const auto& k : keys) {
      const unsigned m = static_cast<unsigned>(ymd.month());
      std::string v = k == "year"      ? std::to_string(static_cast<int>(ymd.year()))
                      : k == "quarter" ? std::to_string((m - 1) / 3 + 1)
                      : k == "month"   ? std::to_string(m)
                      : k == "day"     ? std::to_string(static_cast<unsigned>(ymd.day()))
                      : k == "hour"    ? std::to_string(hour)
                                       : std::to_string(minute);
      c.folder += (c.folder.empty() ? "" : "/") + k + "=" + v;
    }
    out.push_back(std::move(c));
  }
  return out;
}

// What one target part wrote or kept.
struct PartFiles {
  std::vector<ManifestFile> files;
};

class StageRunner {
 public:
  // DuckDB's threads for a relation computed whole; 0: the connection's setting.
  int64_t whole_threads = 0;

  StageRunner(factories::View& view, const ExportOptions& o, store::Disk& disk,
              const Staging& staging, const Manifest& before, Manifest& after, ExportResult& result)
      : view_(view),
        o_(o),
        disk_(disk),
        staging_(staging.dir()),
        out_(staging.out()),
        before_(before),
        after_(after),
        result_(result) {}

  TargetOutput Run(const Target& t) {
    switch (t.node.shape) {
      case factories::Shape::kSeries:
      case factories::Shape::kTable: return RunParquet(t);
      case factories::Shape::kData: return RunData(t);
      default:
        throw Error("cannot export a " + t.node.listed_kind, t.match.path);
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

  // The part `folder` of the earlier export's target, when its identity is `identity`
  // and each of its files is still the file it wrote: then it is kept as it is.
  const ManifestPart* Kept(const ManifestTarget* before, const std::string& rel_dir,
                           const std::string& folder, const std::optional<std::string>& identity) {
    if (!before || !identity) return nullptr;
    auto it = before->parts.find(folder);
    if (it == before->parts.end() || it->second.identity != *identity) return nullptr;
    for (const auto& f : it->second.files)
      if (!before_.Intact(out_, rel_dir + "/" + f.output.file)) return nullptr;
    return &it->second;
  }

  bool AllIntact(const ManifestTarget& before, const std::string& rel_dir) const {
    for (const auto& [folder, part] : before.parts)
      for (const auto& f : part.files)
        if (!before_.Intact(out_, rel_dir + "/" + f.output.file)) return false;
    return true;
  }

  void Keep(const std::string& rel_dir, const ManifestPart& part) {
    for (const auto& f : part.files) {
      const std::string rel = rel_dir + "/" + f.output.file;
      after_.files[rel] = before_.files.at(rel);
      ++result_.files_kept;
    }
  }

  // Files just written into `dir` (the target's staging folder), as manifest files.
  std::vector<ManifestFile> Written(const std::vector<engine::WrittenFile>& written,
                                    const fs::path& dir, const std::string& rel_dir) {
    std::vector<ManifestFile> out;
    for (const auto& w : written) {
      ManifestFile f;
      f.output.file = fs::path(w.path).lexically_relative(dir).string();
      if (w.min_ts) f.output.start_time = MicrosToMillis(*w.min_ts);
      if (w.max_ts) f.output.end_time = MicrosToMillis(*w.max_ts);
      f.output.rows = w.rows;
      f.output.bytes = w.bytes;
      f.ts_nulls = w.ts_null_count;
      staged_.push_back(rel_dir + "/" + f.output.file);
      out.push_back(std::move(f));
    }
    return out;
  }

  TargetOutput RunParquet(const Target& t) {
    engine::Connection& con = view_.pond().sql();
    const std::string rel = view_.RelationSql(t.node);
    // A reduction knows its columns; others are bound (DESCRIBE spells the types).
    std::optional<std::vector<factories::sql::Column>> described = view_.KnownColumns(t.node);
    if (!described) {
      engine::Result r = con.Query("DESCRIBE SELECT * FROM " + rel);
      described.emplace();
      for (size_t i = 0; i < r.row_count(); ++i)
        described->push_back(
            {r.at(i, "column_name").as_string(), r.at(i, "column_type").as_string()});
    }
    TargetOutput out{t.match.path, t.keys, {}, std::vector<SchemaField>{}};
    bool has_ts = false;
    std::string ts_type;
    std::set<std::string> columns;
    nlohmann::json schema = nlohmann::json::array();
    for (const auto& [col, type] : *described) {
      columns.insert(col);
      schema.push_back({col, type});
      if (col == "timestamp") {
        has_ts = true;
        ts_type = type;
      }
      out.schema->push_back(SplitColumn(col, type));
    }
    std::vector<std::string> parts = has_ts ? t.temporal : std::vector<std::string>{};
    for (const auto& p : parts)
      if (columns.count(p))
        throw Error("column '" + p + "' has the name of a partition key; rename it or drop --temporal " + p,
                    t.match.path);

    const TimeRange bounds = has_ts ? TimeRange{o_.start_us, o_.end_us} : TimeRange{};
    const std::string where = WhereOf(bounds);
    std::string select = "SELECT *";
    for (const auto& p : parts)
      select += fmt::format(", {}(\"timestamp\") AS {}", p, engine::QuoteIdent(p));
    select += " FROM " + rel + where;

    const std::string rel_dir = JoinKeys(t.keys, t.keys.size());
    const fs::path dir = staging_ / rel_dir;
    Claim(rel_dir + "/", t.match.path);

    // What the files depend on besides the rows: a part is kept only if these match.
    ManifestTarget& record = after_.targets[rel_dir];
    record.pond_path = t.match.path;
    record.context = store::Sha256Hex(
        nlohmann::json{t.match.path, schema, parts, OptJson(bounds.begin), OptJson(bounds.end)}
            .dump());
    const ManifestTarget* before = nullptr;
    if (auto it = before_.targets.find(rel_dir);
        it != before_.targets.end() && it->second.context == record.context)
      before = &it->second;
    const std::optional<std::string> whole = view_.Identity(t.node, bounds);

    std::vector<ManifestFile> files;
    auto record_part = [&](const std::string& folder, const std::optional<std::string>& identity,
                           std::vector<ManifestFile> part_files) {
      for (const auto& f : part_files) files.push_back(f);
      record.parts[folder] = {identity.value_or(""), std::move(part_files)};
    };
    if (Kept(before, rel_dir, "", whole) && AllIntact(*before, rel_dir)) {
      // Nothing this target reads changed: every part is kept.
      for (const auto& [folder, part] : before->parts) {
        Keep(rel_dir, part);
        record.parts[folder] = part;
        for (const auto& f : part.files) files.push_back(f);
      }
    } else if (parts.empty()) {
      disk_.MakeDirsUnsynced(dir.string());
      const std::string file = (dir / "data_0.parquet").string();
      std::vector<engine::WrittenFile> written;
      disk_.ExternalWrite(file, [&] {
        written = engine::DecodeCopyStats(
            con.Query(fmt::format("COPY ({}) TO {} (FORMAT parquet, RETURN_STATS true)", select,
                                  engine::QuoteLiteral(file))));
      });
      record_part("", whole, Written(written, dir, rel_dir));
    } else if (IsTimeRangeKeys(parts) && ts_type == "TIMESTAMP") {
      // Even without rows: a first export's target replaces OUT's folder of that name.
      disk_.MakeDirsUnsynced(dir.string());
      WriteTimeParts(t, rel, bounds, parts, dir, rel_dir, columns.size(), before, record_part);
      // The whole target's identity, checked first next time: an untouched target
      // costs one identity.
      record.parts[""] = {whole.value_or(""), {}};
    } else {
      std::string by;
      for (const auto& p : parts) by += (by.empty() ? "" : ", ") + engine::QuoteIdent(p);
      std::vector<engine::WrittenFile> written;
      disk_.MakeDirsUnsynced(dir.parent_path().string());  // DuckDB creates only the last level
      disk_.ExternalWrite(dir.string(), [&] {
        written = engine::DecodeCopyStats(
            con.Query(fmt::format("COPY ({}) TO {} (FORMAT parquet, PARTITION_BY ({}), "
                                  "FILENAME_PATTERN 'data_{{i}}', RETURN_STATS true)",
                                  select, engine::QuoteLiteral(dir.string()), by)));
      });
      record_part("", whole, Written(written, dir, rel_dir));
    }

    int64_t nulls = 0, early = 0;
    bool early_exact = true;
    const int64_t k1990Ms = k1990Us / 1000;
    for (const auto& f : files) {
      out.files.push_back(f.output);
      nulls += f.ts_nulls;
      // A file wholly before 1990 counts exactly; one straddling it needs a query.
      const auto& o = f.output;
      if (o.end_time && *o.end_time < k1990Ms) early += o.rows.value_or(0) - f.ts_nulls;
      else if (o.start_time && *o.start_time < k1990Ms) early_exact = false;
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

  static std::string WhereOf(const TimeRange& r) {
    return factories::sql::WhereInRange("\"timestamp\"", r);
  }

  // Time partitions: each kept when its identity (the node's over the partition's
  // range) is the earlier export's; the others computed from the node restricted to
  // each run of consecutive changed partitions, a run of one written straight to its
  // file. A node computed by range (View::ComputedByRange) has each partition computed
  // by itself, in a first export too. Without the node's extent (a sql-derived query
  // of unknown reach …), or without an earlier export, all are computed from the
  // whole relation.
  template <class RecordPart>
  void WriteTimeParts(const Target& t, const std::string& rel, const TimeRange& bounds,
                      const std::vector<std::string>& parts, const fs::path& dir,
                      const std::string& rel_dir, size_t column_count,
                      const ManifestTarget* before, RecordPart& record_part) {
    std::optional<std::vector<Candidate>> candidates;
    const std::optional<factories::TimeExtent> extent = view_.Extent(t.node);
    if (extent) candidates = CandidatesOf(*extent, parts, bounds);
    auto by_folder = [&](std::vector<ManifestFile> written) {
      std::map<std::string, std::vector<ManifestFile>> out;
      for (auto& f : written) out[fs::path(f.output.file).parent_path().string()].push_back(f);
      return out;
    };
    const bool by_range = candidates && view_.ComputedByRange(t.node);
    if (!candidates || (!before && !by_range)) {
      auto written = by_folder(Written(
          WriteByTime(t, "(SELECT * FROM " + rel + WhereOf(bounds) + ")", parts, dir, column_count),
          dir, rel_dir));
      if (candidates)
        for (const auto& c : *candidates) {
          auto it = written.find(c.folder);
          record_part(c.folder, Identity(t, c, bounds),
                      it == written.end() ? std::vector<ManifestFile>{} : std::move(it->second));
          if (it != written.end()) written.erase(it);
        }
      for (auto& [folder, files] : written) record_part(folder, std::nullopt, std::move(files));
      return;
    }
    // Rows without a time are no partition's: recounted whenever anything changed, in
    // a node that may have them (a reduction never has).
    if (extent->null_times) {
      engine::Connection& con = view_.pond().sql();
      if (con.Query("SELECT count(*) AS n FROM " + rel + " WHERE \"timestamp\" IS NULL")
              .at(0, "n")
              .as_int() > 0)
        for (auto& [folder, files] : by_folder(Written(
                 WriteByTime(t, "(SELECT * FROM " + rel + " WHERE \"timestamp\" IS NULL)", parts,
                             dir, column_count),
                 dir, rel_dir)))
          record_part(folder, std::nullopt, std::move(files));
    }
    std::vector<std::optional<std::string>> ids;
    std::vector<bool> changed;
    for (const auto& c : *candidates) {
      ids.push_back(Identity(t, c, bounds));
      const ManifestPart* kept = Kept(before, rel_dir, c.folder, ids.back());
      changed.push_back(kept == nullptr);
      if (kept) {
        Keep(rel_dir, *kept);
        record_part(c.folder, ids.back(), kept->files);
      }
    }
    for (size_t i = 0; i < candidates->size();) {
      if (!changed[i]) {
        ++i;
        continue;
      }
      size_t j = i;
      while (!by_range && j + 1 < candidates->size() && changed[j + 1]) ++j;
      TimeRange range{(*candidates)[i].begin, (*candidates)[j].end};
      if (bounds.begin) range.begin = std::max(*range.begin, *bounds.begin);
      if (bounds.end) range.end = std::min(*range.end, *bounds.end);
      if (i == j) {
        // One partition (the hourly refresh's month): no copy of the source to cut.
        const Candidate& c = (*candidates)[i];
        record_part(c.folder, ids[i], WriteOnePart(t, range, dir, c.folder, rel_dir));
        ++i;
        continue;
      }
      const std::string source =
          "(SELECT * FROM " + view_.RelationSql(t.node, range) + WhereOf(range) + ")";
      auto written = by_folder(Written(WriteByTime(t, source, parts, dir, column_count), dir, rel_dir));
      for (size_t k = i; k <= j; ++k) {
        auto it = written.find((*candidates)[k].folder);
        record_part((*candidates)[k].folder, ids[k],
                    it == written.end() ? std::vector<ManifestFile>{} : std::move(it->second));
      }
      i = j + 1;
    }
  }

  // The node's rows in `range` written to `dir`/`part`/data_0.parquet by one COPY
  // (none when there are no rows), with their metadata from RETURN_STATS.
  std::vector<ManifestFile> WriteOnePart(const Target& t, const TimeRange& range,
                                         const fs::path& dir, const std::string& part,
                                         const std::string& rel_dir) {
    const fs::path folder = dir / part;
    engine::Connection& con = view_.pond().sql();
    const std::string source = "SELECT * FROM " + view_.RelationSql(t.node, range) + WhereOf(range);
    disk_.MakeDirsUnsynced(folder.string());
    const std::string file = (folder / "data_0.parquet").string();
    std::vector<engine::WrittenFile> written;
    disk_.ExternalWrite(file, [&] {
      written = engine::DecodeCopyStats(con.Query(fmt::format(
          "COPY ({}) TO {} (FORMAT parquet, RETURN_STATS true)", source, engine::QuoteLiteral(file))));
    });
    if (written.size() == 1 && written[0].rows == 0) {
      disk_.Remove(file);
      return {};
    }
    return Written(written, dir, rel_dir);
  }

  std::optional<std::string> Identity(const Target& t, const Candidate& c, const TimeRange& bounds) {
    TimeRange r{c.begin, c.end};
    if (bounds.begin) r.begin = std::max(*r.begin, *bounds.begin);
    if (bounds.end) r.end = std::min(*r.end, *bounds.end);
    return view_.Identity(t.node, r);
  }

  // Partitions that are time ranges (partitioned_copy.h). A relation that computes is
  // first written to one Parquet file, so that each window reads only its part
  // instead of computing the whole relation again; one the View has as a file
  // (View::CheapToReread: a stored series, a reduction's first read) is read as it is.
  std::vector<engine::WrittenFile> WriteByTime(const Target& t, const std::string& relation,
                                               const std::vector<std::string>& parts,
                                               const fs::path& dir, size_t column_count) {
    engine::Connection& con = view_.pond().sql();
    std::string source = relation;
    const fs::path computed = staging_ / ".pond-export-source.parquet";
    const bool cheap = view_.CheapToReread(t.node);
    if (!cheap) {
      // A node computed whole (an analysis whose inputs changed) is one big statement:
      // every thread, whatever the refresh's setting.
      std::optional<engine::ScopedThreads> all;
      if (whole_threads > 0) all.emplace(con, whole_threads);
      disk_.ExternalWrite(computed.string(), [&] {
        con.Execute(fmt::format("COPY (SELECT * FROM {}) TO {} (FORMAT parquet)", relation,
                                engine::QuoteLiteral(computed.string())));
      });
      source = "(SELECT * FROM read_parquet(" + engine::QuoteLiteral(computed.string()) + "))";
    }
    auto written = WritePartitioned(con, [this] { return view_.pond().Connect(); }, disk_,
                                    {source, parts, dir, column_count});
    if (!cheap) disk_.Remove(computed.string());
    return written;
  }

  TargetOutput RunData(const Target& t) {
    std::string bytes = view_.ReadData(t.node);
    std::string file = t.keys.back() + DataExtension(t);
    std::string rel_dir = JoinKeys(t.keys, t.keys.size() - 1);
    std::string rel = rel_dir.empty() ? file : rel_dir + "/" + file;
    Claim(rel, t.match.path);
    TargetOutput out{t.match.path, t.keys, {}, std::nullopt};
    out.files.push_back(ExportOutput{file, std::nullopt, std::nullopt, std::nullopt,
                                     static_cast<int64_t>(bytes.size())});
    // A page is cheap to render: kept when the file there, untouched since, has
    // these very bytes.
    if (before_.Intact(out_, rel) && ReadFileIfSize(out_ / rel, bytes.size()) == bytes) {
      after_.files[rel] = before_.files.at(rel);
      ++result_.files_kept;
      return out;
    }
    fs::path dest = staging_ / rel;
    disk_.MakeDirsUnsynced(dest.parent_path().string());
    disk_.WriteFile(dest.string(), bytes);
    staged_.push_back(rel);
    return out;
  }

  static std::optional<std::string> ReadFileIfSize(const fs::path& path, size_t size) {
    std::error_code ec;
    if (fs::file_size(path, ec) != size || ec) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::string bytes(size, '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) return std::nullopt;
    return bytes;
  }

 public:
  // Files staged by this export, relative to OUT.
  const std::vector<std::string>& staged() const { return staged_; }

 private:
  factories::View& view_;
  const ExportOptions& o_;
  store::Disk& disk_;
  fs::path staging_;
  fs::path out_;
  const Manifest& before_;
  Manifest& after_;
  ExportResult& result_;
  std::map<std::string, std::string> claimed_;  // output path → pond path
  std::vector<std::string> staged_;
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

ExportResult Export(factories::View& view, const ExportOptions& o, store::Disk& disk) {
  CheckOutDir(o.out_dir);
  // Match every stage first: bad captures are rejected before anything is written.
  std::vector<std::vector<Target>> stages;
  size_t total_targets = 0;
  std::vector<std::string> early_warnings;
  for (const auto& pattern : o.patterns) {
    std::vector<Target> targets;
    // An input URL (`csv:///…`, docs/inputs.md) reads each match through its format;
    // one that matches nothing is a warning (a log not written yet), as in sitegen.
    std::optional<factories::InputUrl> url;
    if (pattern.find("://") != std::string::npos) url = factories::ParseInputUrl(pattern, pattern);
    std::vector<GlobMatch> matches = url ? view.MatchedFiles(url->glob) : view.GlobFiles(pattern);
    if (url && matches.empty()) {
      pond::Warn("pattern matched nothing", pattern);
      early_warnings.push_back("pattern matched nothing (" + pattern + ")");
    }
    for (auto& m : matches) {
      for (const auto& c : m.captures) CheckOutputName(c, "capture", pattern);
      factories::Node node = url ? factories::InputNode(view, *url, m.path) : view.Get(m.path);
      if (node.shape == factories::Shape::kExecutable) continue;
      std::vector<std::string> keys = KeysOf(m);
      std::vector<std::string> temporal = o.temporal;
      if (o.layout) {
        TargetLayout layout = o.layout(stages.size(), m);
        keys = std::move(layout.keys);
        temporal = std::move(layout.temporal);
      }
      // Without captures the node's path names the output (`/...series` gives `..`).
      if (m.captures.empty() || o.layout)
        for (const auto& k : keys) CheckOutputName(k, "output name", m.path);
      targets.push_back(Target{std::move(m), std::move(node), std::move(keys), std::move(temporal)});
    }
    total_targets += targets.size();
    stages.push_back(std::move(targets));
  }

  Staging staging(disk, o.out_dir);
  // The earlier export's memory; none (a first export, --rebuild, or an OUT a user
  // filled otherwise) means every file is computed and OUT's entries are replaced
  // whole, as the first export always did.
  const Manifest before = o.rebuild ? Manifest{} : Manifest::Load(staging.out());
  // With a manifest (the hourly refresh), what is computed and written is mostly the
  // new data: small statements, which one DuckDB thread runs faster than several that
  // hand work over and warm their caches anew after each change of the setting
  // (docs/benchmarks.md, case 15). A first export's whole reductions keep them all.
  std::optional<engine::ScopedThreads> one_thread;
  if (before.loaded()) one_thread.emplace(view.pond().sql(), 1);
  Manifest after;
  ExportResult result;
  result.warnings = std::move(early_warnings);
  StageRunner runner(view, o, disk, staging, before, after, result);
  if (one_thread) runner.whole_threads = one_thread->previous();
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
  // Stamps are taken in staging: a rename keeps inode and mtime.
  for (const auto& rel : runner.staged()) {
    auto stamp = StampOf(staging.dir() / rel);
    if (!stamp) throw Error("staged file is missing", (staging.dir() / rel).string());
    after.files[rel] = *stamp;
  }
  result.files_written = runner.staged().size();
  const std::string manifest = after.Text();
  std::optional<std::string> warning;
  if (!before.loaded()) {
    Manifest::Save(disk, staging.dir(), manifest);
    warning = staging.PublishEntries();
  } else {
    std::set<std::string> written_before;
    for (const auto& [rel, stamp] : before.files) {
      written_before.insert(rel);
      result.files_removed += !after.files.contains(rel);
    }
    if (result.files_written == 0 && result.files_removed == 0 && before.Was(manifest)) {
      spdlog::info("export: {} files, all kept", result.total_files);
      return result;  // OUT stays as it is, not even swapped
    }
    const std::set<std::string> staged(runner.staged().begin(), runner.staged().end());
    std::vector<std::string> kept;
    for (const auto& [rel, stamp] : after.files)
      if (!staged.contains(rel)) kept.push_back(rel);
    Manifest::Save(disk, staging.dir(), manifest);
    warning = staging.PublishFiles(kept, written_before);
  }
  if (warning) {
    Warn(*warning, staging.out().string());
    result.warnings.push_back(*warning + " (" + staging.out().string() + ")");
  }
  spdlog::info("export: {} files, {} written, {} kept, {} removed", result.total_files,
               result.files_written, result.files_kept, result.files_removed);
  return result;
}

}  // namespace pond::exporter
