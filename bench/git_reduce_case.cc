// Case 23 (issue #34): a reduction over Parquet archives kept in Git. A year of 1-minute
// readings from four devices (4 columns), one Parquet file a month, committed under
// devices/<id>/2024-MM.series in a repository; a pond with a git-ingest node /archive
// of it and a temporal-reduce at 1h and 1d (avg, min, max) with in_pattern
// `series:///archive/devices/*/*.series`. The reference: the same 48 files stored as
// series at the same paths of another pond, and the same reduction over them. Each
// side times its first export of the four devices' outputs, with an empty cache; the
// exported rows must be equal.
#include <fmt/format.h>

#include <fstream>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"

namespace pond::bench {

namespace {

constexpr int kDevices = 4, kMonths = 12;

std::string Month(int m) { return fmt::format("2024-{:02}", m + 1); }
std::string NextMonth(int m) { return m == 11 ? "2025-01" : fmt::format("2024-{:02}", m + 2); }

// Device `d`'s readings of month `m` (0 = January 2024), one a minute. Every value is
// a multiple of 1/8, so sums, averages, minima and maxima come out exactly the same
// whatever order DuckDB adds them in.
std::string ReadingsSql(int d, int m) {
  std::string columns;
  const char* names[] = {"Temperature.C", "DO.mg/L", "pH", "Conductivity.uS/cm"};
  const double base[] = {12, 8, 7.5, 400}, swing[] = {4, 2, 0.4, 60};
  for (int c = 0; c < 4; ++c)
    columns += fmt::format(
        ", round(({} + {} * sin(i / 1440.0 * 2 * pi() + {}) + (hash(i * 16 + {}) % 1000) / "
        "500.0) * 8) / 8 AS {}",
        base[c], swing[c], d, d * 4 + c, engine::QuoteIdent(names[c]));
  return fmt::format(
      "SELECT t AS \"timestamp\"{} FROM (SELECT t, epoch(t)::BIGINT // 60 AS i FROM "
      "generate_series(TIMESTAMP '{}-01', TIMESTAMP '{}-01' - INTERVAL 1 minute, INTERVAL 1 "
      "minute) g(t)) ORDER BY t",
      columns, Month(m), NextMonth(m));
}

constexpr const char* kReduceTail = R"(out_pattern: $0
resolutions: [1h, 1d]
aggregations:
  - {type: avg}
  - {type: min}
  - {type: max}
)";

// Rows of `a` missing from `b` and of `b` missing from `a` (Parquet files), and a's rows.
struct Difference {
  int64_t missing = 0, extra = 0, rows = 0;
};

Difference Compare(engine::Connection& con, const fs::path& a, const fs::path& b) {
  const std::string x = "read_parquet(" + engine::QuoteLiteral(a.string()) + ")",
                    y = "read_parquet(" + engine::QuoteLiteral(b.string()) + ")";
  engine::Result r = con.Query(
      fmt::format("SELECT (SELECT count(*) FROM (SELECT * FROM {0} EXCEPT ALL SELECT * FROM {1})), "
                  "(SELECT count(*) FROM (SELECT * FROM {1} EXCEPT ALL SELECT * FROM {0})), "
                  "(SELECT count(*) FROM {0})",
                  x, y));
  return {r.at(0, 0).as_int(), r.at(0, 1).as_int(), r.at(0, 2).as_int()};
}

// The Parquet files an export wrote under `dir`, by path relative to it.
std::map<std::string, fs::path> ExportedParquet(const fs::path& dir) {
  std::map<std::string, fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".parquet")
      out[fs::relative(e.path(), dir).string()] = e.path();
  return out;
}

}  // namespace

std::vector<Row> GitReduceCase(const Bench& b) {
  Progress("23 a reduction over Parquet archives in git vs over the same files stored");
  const fs::path files_dir = b.work / "archive-files", origin = b.work / "archive-origin.git",
                 git_pond = b.work / "archive-git-pond", stored_pond = b.work / "archive-pond";
  fs::create_directories(files_dir);
  std::vector<std::pair<std::string, fs::path>> files;  // repository path, host file
  {
    engine::Database db;
    engine::Connection con(db);
    for (int d = 0; d < kDevices; ++d)
      for (int m = 0; m < kMonths; ++m) {
        const fs::path file = files_dir / fmt::format("d{}-{}.parquet", d, Month(m));
        con.Execute(fmt::format("COPY ({}) TO {} (FORMAT parquet)", ReadingsSql(d, m),
                                engine::QuoteLiteral(file.string())));
        files.emplace_back(fmt::format("devices/d{}/{}.series", d, Month(m)), file);
      }
  }
  int64_t bytes = 0;
  for (const auto& [path, file] : files) bytes += static_cast<int64_t>(fs::file_size(file));
  CommitToNewRepository(b, origin, files);

  const auto reduce_config = [&](const std::string& in_pattern) {
    const fs::path config = b.work / "archive-reduce.yaml";
    std::ofstream out(config);
    out << "in_pattern: \"" << in_pattern << "\"\n" << kReduceTail;
    return config.string();
  };
  // Ours: the repository's files through series:// below a git-ingest node.
  b.Pond(git_pond, {"init"});
  {
    const fs::path config = b.work / "archive-git.yaml";
    std::ofstream(config) << "url: file://" << origin.string() << "\nref: main\n";
    b.Pond(git_pond, {"mknod", "git-ingest", "/archive", "--config", config.string()});
  }
  b.Pond(git_pond, {"run", "/archive", "pull"});
  b.Pond(git_pond, {"mknod", "temporal-reduce", "/reduced", "--config",
                    reduce_config("series:///archive/devices/*/*.series")});
  // The reference: the same files stored as series at the same paths.
  CommitFixture(stored_pond, "archive", true, [&](store::Transaction& txn) {
    for (int d = 0; d < kDevices; ++d) txn.Mkdir(fmt::format("/archive/devices/d{}", d), true);
    for (const auto& [path, file] : files)
      txn.AppendSeries("/archive/" + path,
                       {"SELECT * FROM read_parquet(" + engine::QuoteLiteral(file.string()) + ")",
                        file.filename().string(), ""});
  });
  b.Pond(stored_pond, {"mknod", "temporal-reduce", "/reduced", "--config",
                       reduce_config("/archive/devices/*/*.series")});

  const fs::path git_out = b.work / "archive-git-export",
                 stored_out = b.work / "archive-stored-export";
  const auto first_export = [&](const fs::path& pond_dir, const fs::path& out) {
    fs::remove_all(pond_dir / "cache");
    fs::remove_all(out);
    return b.Pond(pond_dir, {"export", "--pattern", "/reduced/*/*.series", "--dir", out.string()});
  };
  const auto t = Alternate(b.repeat, {[&] { return first_export(git_pond, git_out); },
                                      [&] { return first_export(stored_pond, stored_out); }});

  // The answer: the same files with the same rows.
  const auto ours = ExportedParquet(git_out), theirs = ExportedParquet(stored_out);
  if (ours.size() != static_cast<size_t>(kDevices * 2) || ours.size() != theirs.size())
    throw Error(fmt::format("the exports wrote {} and {} files, expected {}", ours.size(),
                            theirs.size(), kDevices * 2),
                "case 23");
  int64_t rows = 0;
  {
    engine::Database db;
    engine::Connection con(db);
    for (const auto& [name, file] : ours) {
      auto other = theirs.find(name);
      if (other == theirs.end()) throw Error("not in the reference's export: " + name, "case 23");
      const Difference diff = Compare(con, file, other->second);
      if (diff.missing != 0 || diff.extra != 0 || diff.rows == 0)
        throw Error(fmt::format("{}: {} rows, {} not in the reference's, {} of its missing", name,
                                diff.rows, diff.missing, diff.extra),
                    "case 23");
      rows += diff.rows;
    }
  }

  Row row = SideBySide("23",
                       "first export of a 1h/1d reduce over 48 Parquet files in git (vs the "
                       "same files stored as series)",
                       t[0], t[1], 1.2);
  row.note = fmt::format("{} devices x {} months, {:.0f} MB Parquet, {} rows out; fastest {} vs {}",
                         kDevices, kMonths, bytes / 1e6, rows, FormatSeconds(t[0].fastest),
                         FormatSeconds(t[1].fastest));
  if (!b.keep)
    for (const auto& d : {files_dir, origin, git_pond, stored_pond, git_out, stored_out})
      fs::remove_all(d);
  return {row};
}

}  // namespace pond::bench
