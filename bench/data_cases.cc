// Cases 1-4 and 7: the big series through pond (ingest, temporal-reduce, export)
// against the DuckDB SQL a user would write by hand for the same result.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"

namespace pond::bench {

namespace {

using engine::QuoteIdent;
using engine::QuoteLiteral;

std::string Lit(const fs::path& p) { return QuoteLiteral(p.string()); }

// Rows in the Parquet files matching `glob`, to check both sides wrote the same.
int64_t ParquetRows(const std::string& glob) {
  engine::Database db;
  engine::Connection con(db);
  return con.Query("SELECT count(*) AS n FROM read_parquet(" + QuoteLiteral(glob) + ")")
      .at(0, "n")
      .as_int();
}

void ExpectSameRows(const std::string& ours, const std::string& reference,
                    const std::string& what) {
  const int64_t a = ParquetRows(ours), b = ParquetRows(reference);
  if (a != b) throw Error(fmt::format("our output has {} rows, the reference's {}", a, b), what);
}

std::string Rate(double rows, double seconds) {
  return fmt::format("{:.2f} M rows/s", rows / seconds / 1e6);
}


// The target path of a COPY statement: the string literal after its last `) TO `.
std::string CopyTarget(const std::string& sql) {
  size_t at = sql.rfind(") TO '");
  if (at == std::string::npos) throw Error("no COPY target", sql);
  std::string out;
  for (size_t i = at + 6; i < sql.size(); ++i) {
    if (sql[i] == '\'') {
      if (i + 1 < sql.size() && sql[i + 1] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      return out;
    }
    out += sql[i];
  }
  throw Error("unterminated COPY target", sql);
}

}  // namespace

std::vector<Row> IngestCase(const Bench& b, DataSet& data) {
  Progress("1 ingest CSV -> series");
  const fs::path reference_out = b.work / "ingest-reference.parquet";
  int round = 0;
  fs::path pond_dir;
  Side ours = [&] {
    if (!pond_dir.empty()) fs::remove_all(pond_dir);
    pond_dir = b.work / ("pond-" + std::to_string(round++));
    b.Pond(pond_dir, {"init"});
    b.Pond(pond_dir, {"mkdir", "-p", "/raw"});
    return b.Pond(pond_dir, {"copy", data.csv.string(), "/raw/s.series", "--format", "series"});
  };
  Side reference = [&] {
    fs::remove(reference_out);
    return b.Sql(
        {fmt::format("COPY (SELECT * FROM read_csv({}, header = true)) TO {} (FORMAT parquet)",
                     Lit(data.csv), Lit(reference_out))});
  };
  auto t = Alternate(b.repeat, {ours, reference});
  data.pond_dir = pond_dir;
  data.blob = SeriesBlob(pond_dir);
  ExpectSameRows(data.blob.string(), reference_out.string(), "ingest");
  fs::remove(reference_out);
  Row row = SideBySide("1", "ingest CSV -> series (pond copy vs read_csv -> Parquet)", t[0], t[1],
                       1.15);
  row.note = Rate(static_cast<double>(b.rows), t[0].seconds);
  return {row};
}

std::vector<Row> ReduceCase(const Bench& b, const DataSet& data) {
  const fs::path config = b.work / "reduce.yaml";
  std::ofstream(config) << "in_pattern: /raw/*.series\nout_pattern: $0\n"
                           "resolutions: [1h, 6h, 1d]\n"
                           "aggregations: [{type: avg}, {type: min}, {type: max}]\n";
  b.Pond(data.pond_dir, {"mknod", "temporal-reduce", "/reduced", "--config", config.string()});

  // The same aggregates by hand: per aggregation, every value column, as the factory orders them.
  std::string aggregates;
  for (const char* agg : {"avg", "min", "max"})
    for (const auto& c : data.value_columns)
      aggregates += fmt::format(", CAST({}({}) AS DOUBLE) AS {}", agg, QuoteIdent(c),
                                QuoteIdent(c + "." + agg));

  std::vector<Row> rows;
  for (const auto& [res, interval] : std::vector<std::pair<std::string, std::string>>{
           {"1h", "1 hour"}, {"6h", "6 hours"}, {"1d", "1 day"}}) {
    Progress("2 temporal-reduce " + res);
    const fs::path out = b.work / "reduce-out", reference_out = b.work / "reduce-reference.parquet";
    Side ours = [&] {
      fs::remove_all(out);
      return b.Pond(data.pond_dir, {"export", "--pattern", "/reduced/s/res=" + res + ".series",
                                    "--dir", out.string()});
    };
    Side reference = [&] {
      fs::remove(reference_out);
      return b.Sql({fmt::format(
          "COPY (SELECT time_bucket(INTERVAL '{}', \"timestamp\", TIMESTAMP '1970-01-01') AS "
          "\"timestamp\"{} FROM read_parquet({}) WHERE \"timestamp\" IS NOT NULL GROUP BY 1 "
          "ORDER BY 1) TO {} (FORMAT parquet)",
          interval, aggregates, Lit(data.blob), Lit(reference_out))});
    };
    auto t = Alternate(b.repeat, {ours, reference});
    ExpectSameRows((out / "reduced" / "s" / ("res=" + res) / "*.parquet").string(),
                   reference_out.string(), "reduce " + res);
    rows.push_back(SideBySide("2 " + res,
                              "temporal-reduce " + res + " avg/min/max (export vs time_bucket SQL)",
                              t[0], t[1], 1.10));
    fs::remove_all(out);
    fs::remove(reference_out);
  }
  return rows;
}

std::vector<Row> ExportCase(const Bench& b, const DataSet& data) {
  Progress("3 export --temporal year,month");
  const fs::path out = b.work / "export-out";
  const fs::path single = b.work / "export-single.parquet";
  const fs::path partitioned = b.work / "export-partitioned";
  const std::vector<std::string> export_args = {
      "export", "--pattern", "/raw/s.series", "--dir", out.string(), "--temporal", "year,month"};
  Side ours = [&] {
    fs::remove_all(out);
    return b.Pond(data.pond_dir, export_args);
  };
  Side duckdb_single = [&] {
    fs::remove(single);
    return b.Sql({fmt::format("COPY (SELECT * FROM read_parquet({})) TO {} (FORMAT parquet)",
                              Lit(data.blob), Lit(single))});
  };
  Side duckdb_partitioned = [&] {
    fs::remove_all(partitioned);
    return b.Sql({fmt::format(
        "COPY (SELECT *, year(\"timestamp\") AS year, month(\"timestamp\") AS month FROM "
        "read_parquet({})) TO {} (FORMAT parquet, PARTITION_BY (year, month))",
        Lit(data.blob), Lit(partitioned))});
  };
  auto t = Alternate(b.repeat, {ours, duckdb_single, duckdb_partitioned});
  ExpectSameRows((out / "raw/s/**/*.parquet").string(), single.string(), "export");
  ExpectSameRows((partitioned / "**/*.parquet").string(), single.string(), "export");
  fs::remove(single);
  fs::remove_all(partitioned);

  Row row3 = SideBySide("3", "export --temporal year,month (vs single-file COPY)", t[0], t[1], 1.10);
  row3.note = fmt::format("{}; DuckDB PARTITION_BY/single {:.2f}", Rate(b.rows, t[0].seconds),
                          t[2].seconds / t[1].seconds);

  Row row7{"7", "peak RSS of that export"};
  row7.ours = static_cast<double>(t[0].max_rss_kib);
  row7.bound = Bound::kMemoryKib;
  row7.limit = 1024.0 * 1024;
  row7.note =
      fmt::format("DuckDB single-file COPY: {}", FormatKib(static_cast<double>(t[1].max_rss_kib)));

  // Case 4: pond has no switch to turn metadata off, so its cost is measured as what
  // the export does only for it: the statements of its debug log that change when
  // metadata is left out (RETURN_STATS, the partition count's first and last
  // timestamps), run with and without it, plus reading the sizes of the files it
  // wrote. Every other statement is the same either way and would only add noise.
  // Ours is the export above; the reference is ours less that cost.
  Progress("4 metadata collection overhead");
  fs::remove_all(out);
  ChildRun logged = b.Pond(data.pond_dir, export_args, {{"POND_LOG", "debug"}});
  std::vector<fs::path> written;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file()) written.push_back(e.path());
  const auto sizes_start = std::chrono::steady_clock::now();
  int64_t bytes = 0;
  for (const auto& f : written) bytes += static_cast<int64_t>(fs::file_size(f));
  const double sizes_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sizes_start).count();
  const size_t files = bytes > 0 ? written.size() : 0;
  fs::remove_all(out);

  static const std::regex kStaging("/\\.[^/']*\\.pond-staging-[0-9]+");
  static const std::regex kMetadata(
      ", RETURN_STATS true|, epoch_us\\(min\\(t\\)\\) AS min_us, epoch_us\\(max\\(t\\)\\) AS "
      "max_us");
  const fs::path replay = b.work / "replay";
  std::vector<std::string> with_metadata, without_metadata;
  size_t statements = 0;
  std::istringstream lines(logged.err);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("sql: ");
    if (at == std::string::npos) continue;
    ++statements;
    // The staging folder OUT_PARENT/.OUT.pond-staging-<pid> becomes OUT_PARENT/replay.
    const std::string sql = std::regex_replace(line.substr(at + 5), kStaging, "/replay");
    const std::string bare = std::regex_replace(sql, kMetadata, "");
    if (bare == sql) continue;
    if (sql.find("__pond_window_") != std::string::npos)
      throw Error("a statement with metadata reads a temp table: replay its window too", sql);
    with_metadata.push_back(sql);
    without_metadata.push_back(bare);
  }
  double sql_seconds = 0;
  if (!with_metadata.empty()) {
    auto side = [&](const std::vector<std::string>& sqls) -> Side {
      return [&b, &replay, sqls] {
        fs::remove_all(replay);
        for (const auto& s : sqls)
          if (s.starts_with("COPY ("))
            fs::create_directories(fs::path(CopyTarget(s)).parent_path());
        return b.Sql(sqls);
      };
    };
    auto m = Alternate(std::max(b.repeat, 5), {side(with_metadata), side(without_metadata)});
    sql_seconds = m[0].seconds - m[1].seconds;
    fs::remove_all(replay);
  }
  Row row4{"4", "metadata: that export with/without collecting it"};
  row4.ours = t[0].seconds;
  row4.reference = t[0].seconds - sql_seconds - sizes_seconds;
  row4.limit = 1.02;
  row4.note =
      fmt::format("{} of {} statements differ: {:+.0f} ms; {} file sizes: {:.0f} ms",
                  with_metadata.size(), statements, sql_seconds * 1e3, files, sizes_seconds * 1e3);
  return {row3, row4, row7};
}

std::vector<Row> VerifiedReadsCase(const Bench& b, const DataSet& data) {
  // Case 12: what verifying every blob before its first read costs (docs/storage.md,
  // "Verified reads"), as the same commands with POND_VERIFY=off in the same run.
  const fs::path config = b.work / "verify-reduce.yaml";
  std::ofstream(config) << "in_pattern: /raw/*.series\nout_pattern: $0\nresolutions: [1h]\n"
                           "aggregations: [{type: avg}]\n";
  b.Pond(data.pond_dir, {"mknod", "temporal-reduce", "/verify-reduced", "--config",
                         config.string()});
  const fs::path out = b.work / "verify-out";
  const std::string avg = "SELECT avg(" + QuoteIdent(data.value_columns[0]) + ") FROM series";
  struct Command {
    std::string id, name;
    std::vector<std::string> args;
  };
  const std::vector<Command> commands = {
      {"12 export", "export --temporal year,month, verified vs POND_VERIFY=off",
       {"export", "--pattern", "/raw/s.series", "--dir", out.string(), "--temporal", "year,month"}},
      {"12 reduce", "temporal-reduce 1h export, verified vs POND_VERIFY=off",
       {"export", "--pattern", "/verify-reduced/s/res=1h.series", "--dir", out.string()}},
      {"12 cat", "cat --sql avg(one column), verified vs POND_VERIFY=off",
       {"cat", "/raw/s.series", "--sql", avg}},
  };
  std::vector<Row> rows;
  for (const auto& c : commands) {
    Progress(c.id);
    auto side = [&](std::map<std::string, std::string> env) -> Side {
      return [&, env] {
        fs::remove_all(out);
        return b.Pond(data.pond_dir, c.args, env);
      };
    };
    auto t = Alternate(b.repeat, {side({}), side({{"POND_VERIFY", "off"}})});
    rows.push_back(SideBySide(c.id, c.name, t[0], t[1], 1.05));
  }
  fs::remove_all(out);
  return rows;
}

}  // namespace pond::bench
