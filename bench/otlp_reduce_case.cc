// Case 17 (issue #32): a year of OTLP lines (one a minute, 10 gauges) rotated into 12
// data files in a pond, read through `oteljson:///` by a 1h temporal-reduce with
// avg/min/max of every gauge. The first read (empty cache) against DuckDB computing
// the same 1h table from the same 12 files with read_json, unnest, PIVOT and a GROUP BY
// time_bucket, in the same run; then the read after one more hour's file (60 lines)
// against that first read. Every side's answer is checked: a wrong one fails the case.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"
#include "support/otlp_lines.h"

namespace pond::bench {

namespace {

constexpr int kGauges = 10;
constexpr int64_t kLines = 525'600;  // a year of minutes
constexpr int kFiles = 12;
constexpr const char* kTypes[] = {"avg", "min", "max"};

constexpr const char* kReduce = R"(in_pattern: "oteljson:///ingest/metrics-*.json"
out_pattern: all
resolutions: [1h]
aggregations:
  - {type: avg}
  - {type: min}
  - {type: max}
)";

// Row count, a time checksum and a value checksum of the 1h table `series`. The
// values are multiples of 1/8 (otlp_lines.h), so a bucket's sum is exact in any order
// and every aggregate is one rounding of the same number on both sides; µ-units then
// make the checksum an integer that no summation order changes.
std::string ChecksumSql(const std::string& series) {
  std::string values;
  for (int g = 0; g < kGauges; ++g)
    for (const char* type : kTypes)
      values += fmt::format("{}CAST(round({} * 1000000) AS BIGINT)", values.empty() ? "" : " + ",
                            engine::QuoteIdent(testing::OtlpGaugeName(g) + "." + type));
  return fmt::format(
      "SELECT count(*) AS buckets, sum(epoch_us(\"timestamp\") // 1000000) AS seconds, "
      "sum({}) AS micro_values FROM {}",
      values, series);
}

// DuckDB alone from the JSON lines in `glob` to the checksum of their 1h table, written
// to `output` as CSV: the requests unnested down to their gauge points, pivoted into
// the wide table oteljson makes (a row per time, a column per gauge), then bucketed.
// The gauge names are given (`IN`): DuckDB's PIVOT would otherwise read the input
// once more to find them, which our side does while parsing.
std::string ReferenceSql(const std::string& glob, const std::string& output) {
  std::string names, aggregates;
  for (int g = 0; g < kGauges; ++g) {
    const std::string gauge = testing::OtlpGaugeName(g);
    names += (g ? ", " : "") + engine::QuoteLiteral(gauge);
    for (const char* type : kTypes)
      aggregates += fmt::format(", CAST({}({}) AS DOUBLE) AS {}", type, engine::QuoteIdent(gauge),
                                engine::QuoteIdent(gauge + "." + type));
  }
  return "COPY (WITH r AS (SELECT unnest(resourceMetrics) AS rm FROM read_json(" +
         engine::QuoteLiteral(glob) +
         ", format = 'newline_delimited')), "
         "s AS (SELECT unnest(rm.scopeMetrics) AS sm FROM r), "
         "m AS (SELECT unnest(sm.metrics) AS m FROM s), "
         "p AS (SELECT m.name AS name, unnest(m.gauge.dataPoints) AS p FROM m), "
         "points AS (SELECT make_timestamp((p.timeUnixNano::UBIGINT // 1000)::BIGINT) AS "
         "\"timestamp\", name, p.asDouble AS value FROM p), "
         "wide AS (PIVOT points ON name IN (" +
         names +
         ") USING last(value) GROUP BY \"timestamp\"), "
         "reduced AS (SELECT time_bucket(INTERVAL '1 hour', \"timestamp\", TIMESTAMP "
         "'1970-01-01') AS \"timestamp\"" +
         aggregates + " FROM wide WHERE \"timestamp\" IS NOT NULL GROUP BY 1) " +
         ChecksumSql("reduced") + ") TO " + engine::QuoteLiteral(output) +
         " (FORMAT csv, HEADER true)";
}

// The three checksums of a CSV that ChecksumSql's row was written to (header, one
// line). A year's sums are below 10^14: int64 holds them.
struct Sums {
  int64_t buckets = 0, seconds = 0, micro_values = 0;
  bool operator==(const Sums&) const = default;
};

Sums ReadSums(const fs::path& file) {
  std::ifstream in(file);
  std::string header, line;
  if (!std::getline(in, header) || header != "buckets,seconds,micro_values" ||
      !std::getline(in, line))
    throw Error("no checksum row", file.string());
  Sums s;
  char comma1 = 0, comma2 = 0;
  std::istringstream row(line);
  if (!(row >> s.buckets >> comma1 >> s.seconds >> comma2 >> s.micro_values) || comma1 != ',' ||
      comma2 != ',')
    throw Error("not a checksum row: '" + line + "'", file.string());
  return s;
}

std::string Text(const Sums& s) {
  return fmt::format("{} buckets, {} s, {} µ", s.buckets, s.seconds, s.micro_values);
}

// Files in the pond's cache folder `kind` (cache/input-parse, cache/reduce-pack).
int CacheFiles(const fs::path& pond_dir, const std::string& kind, const std::string& ext) {
  int n = 0;
  const fs::path dir = pond_dir / "cache" / kind;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext) ++n;
  return n;
}

}  // namespace

std::vector<Row> OtlpReduceCase(const Bench& b) {
  Progress("17 a year of OTLP lines through oteljson:/// and a 1h temporal-reduce");
  const fs::path host = b.work / "otlp", pond_dir = b.work / "otlp-pond";
  fs::create_directories(host);
  testing::OtlpGauges spec;
  spec.gauges = kGauges;
  spec.lines = kLines;
  const std::vector<fs::path> files = testing::WriteOtlpFiles(host, spec, kFiles);
  // The next hour, a 13th file, kept outside the reference's glob.
  const fs::path next_dir = b.work / "otlp-next", next = next_dir / "metrics-12.json";
  fs::create_directories(next_dir);
  spec.lines = kLines + 60;
  testing::WriteOtlpFile(next, spec, kLines, 60);
  int64_t bytes = 0;
  for (const auto& f : files) bytes += static_cast<int64_t>(fs::file_size(f));

  const fs::path config = b.work / "otlp-reduce.yaml";
  {
    std::ofstream out(config);
    out << kReduce;
  }
  b.Pond(pond_dir, {"init"});
  b.Pond(pond_dir, {"mkdir", "-p", "/ingest"});
  std::vector<std::string> copy = {"copy"};
  for (const auto& f : files) copy.push_back(f.string());
  copy.push_back("/ingest");
  b.Pond(pond_dir, copy);
  b.Pond(pond_dir, {"mknod", "temporal-reduce", "/reduced", "--config", config.string()});

  const std::vector<std::string> read = {"cat",   "/reduced/all/res=1h.series", "--format", "csv",
                                         "--sql", ChecksumSql("series")};
  const fs::path first_out = b.work / "otlp-first.csv", next_out = b.work / "otlp-next.csv",
                 reference_out = b.work / "otlp-reference.csv";
  bool has_next = false;
  int parses_first = 0, parses_next = 0, packs_first = 0, packs_next = 0;
  Side first = [&] {
    if (has_next) b.Pond(pond_dir, {"rm", "/ingest/metrics-12.json"});
    has_next = false;
    fs::remove_all(pond_dir / "cache");
    ChildRun r = b.Pond(pond_dir, read, {}, first_out.string());
    parses_first = CacheFiles(pond_dir, "input-parse", ".parquet");
    packs_first = CacheFiles(pond_dir, "reduce-pack", ".parquet");
    return r;
  };
  Side reference = [&] {
    fs::remove(reference_out);
    return b.Sql({ReferenceSql((host / "metrics-*.json").string(), reference_out.string())});
  };
  // Runs after `first` in each round (Alternate keeps the order): its cache is warm.
  Side after_hour = [&] {
    b.Pond(pond_dir, {"copy", next.string(), "/ingest"});
    has_next = true;
    ChildRun r = b.Pond(pond_dir, read, {}, next_out.string());
    parses_next = CacheFiles(pond_dir, "input-parse", ".parquet") - parses_first;
    packs_next = CacheFiles(pond_dir, "reduce-pack", ".parquet") - packs_first;
    return r;
  };
  auto t = Alternate(b.repeat, {first, reference, after_hour});

  // The answers: the first read equals DuckDB's; the read after the hour equals DuckDB's
  // plus that hour (a bucket of its own), computed by DuckDB from the 13th file alone.
  const Sums ours = ReadSums(first_out), theirs = ReadSums(reference_out);
  if (!(ours == theirs) || ours.buckets != kLines / 60)
    throw Error(fmt::format("the first read's checksums differ from DuckDB's ({} against {})",
                            Text(ours), Text(theirs)),
                "case 17");
  b.Sql({ReferenceSql(next.string(), reference_out.string())});
  const Sums hour = ReadSums(reference_out), later = ReadSums(next_out);
  const Sums expected{theirs.buckets + hour.buckets, theirs.seconds + hour.seconds,
                      theirs.micro_values + hour.micro_values};
  if (!(later == expected) || hour.buckets != 1)
    throw Error(fmt::format("the read after one hour is not DuckDB's table and that hour ({} "
                            "against {})",
                            Text(later), Text(expected)),
                "case 17");

  std::vector<Row> rows;
  rows.push_back(SideBySide("17 first",
                            "oteljson year (12 files) -> 1h reduce, empty cache (vs DuckDB "
                            "read_json+unnest+PIVOT+GROUP BY)",
                            t[0], t[1], 1.0));
  rows.back().note = fmt::format("{} lines, {:.0f} MB JSON, {} buckets; {} parses, {} pack", kLines,
                                 bytes / 1e6, ours.buckets, parses_first, packs_first);
  rows.push_back(SideBySide("17 +1h", "that read after one more hour's file (vs the first read)",
                            t[2], t[0], 0.1));
  rows.back().note =
      fmt::format("new files in the cache: {} parse(s), {} pack(s)", parses_next, packs_next);
  if (!b.keep) {
    fs::remove_all(host);
    fs::remove_all(next_dir);
    fs::remove_all(pond_dir);
  }
  return rows;
}

}  // namespace pond::bench
