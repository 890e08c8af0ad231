// oteljson against DuckDB's own SQL on the same file: the formats layer's parser
// (WriteParquet, Format::kOtelJson) and read_json + unnest + PIVOT, each writing the
// same wide table as Parquet. Not part of pond_bench (which times pond commands):
//
//   build/bench/oteljson_perftest [--lines 525600] [--gauges 10] [--repeat 3]
//                                 [--file metrics.json] [--only ours|duckdb]
//
// Without --file, writes the lines (tests/support/otlp_lines.h) to a temp folder.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/duckdb.h"
#include "formats/format.h"
#include "support/otlp_lines.h"

namespace {

namespace fs = std::filesystem;
using pond::engine::QuoteLiteral;

// DuckDB alone: the requests unnested down to their gauge points, then pivoted
// (asDouble only: the generated points have no asInt, so read_json infers none).
std::string DuckDbSql(const std::string& input, const std::string& output) {
  return "COPY (WITH r AS (SELECT unnest(resourceMetrics) AS rm FROM read_json(" +
         QuoteLiteral(input) +
         ", format = 'newline_delimited')), "
         "s AS (SELECT unnest(rm.scopeMetrics) AS sm FROM r), "
         "m AS (SELECT unnest(sm.metrics) AS m FROM s), "
         "p AS (SELECT m.name AS name, unnest(m.gauge.dataPoints) AS p FROM m), "
         "points AS (SELECT make_timestamp((p.timeUnixNano::UBIGINT // 1000)::BIGINT) AS "
         "\"timestamp\", name, p.asDouble AS value FROM p) "
         "PIVOT points ON name USING last(value) GROUP BY \"timestamp\" ORDER BY \"timestamp\") "
         "TO " +
         QuoteLiteral(output) + " (FORMAT parquet)";
}

double Seconds(const std::function<void()>& run) {
  auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  pond::testing::OtlpGauges spec;
  spec.lines = 525600;
  int repeat = 3;
  std::string file, only;
  if (argc % 2 == 0) {
    std::fprintf(stderr, "options go in pairs: --name value (see the source's header)\n");
    return 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--lines")
      spec.lines = std::atoll(value.c_str());
    else if (flag == "--gauges")
      spec.gauges = std::atoi(value.c_str());
    else if (flag == "--repeat")
      repeat = std::atoi(value.c_str());
    else if (flag == "--file")
      file = value;
    else if (flag == "--only")
      only = value;
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  fs::path work = fs::temp_directory_path() / ("oteljson-perftest-" + std::to_string(getpid()));
  fs::create_directories(work);
  if (file.empty()) {
    file = (work / "metrics.json").string();
    pond::testing::WriteOtlpFile(file, spec);
  }
  std::printf("input %s: %.1f MB\n", file.c_str(), fs::file_size(file) / 1e6);

  pond::engine::Database db;
  pond::engine::Connection con(db);
  const std::string ours_out = (work / "ours.parquet").string();
  const std::string duck_out = (work / "duckdb.parquet").string();
  std::vector<double> ours, duck;
  for (int r = 0; r < repeat; ++r) {
    if (only != "duckdb") {
      fs::remove(ours_out);
      ours.push_back(Seconds([&] {
        pond::formats::WriteParquet(con, pond::formats::Format::kOtelJson,
                                    pond::formats::Compression::kNone, {}, file, ours_out, file);
      }));
    }
    if (only != "ours") {
      fs::remove(duck_out);
      duck.push_back(Seconds([&] { con.Execute(DuckDbSql(file, duck_out)); }));
    }
  }
  if (!ours.empty())
    std::printf("oteljson (ours):                %.3f s median of %d\n", Median(ours), repeat);
  if (!duck.empty())
    std::printf("read_json + unnest + PIVOT:     %.3f s median of %d\n", Median(duck), repeat);
  if (!ours.empty() && !duck.empty()) {
    // The same table both ways, or the comparison means nothing.
    const std::string a = "SELECT * FROM read_parquet(" + QuoteLiteral(ours_out) + ")";
    const std::string b = "SELECT * FROM read_parquet(" + QuoteLiteral(duck_out) + ")";
    auto diff = con.Query("SELECT count(*) AS n FROM ((" + a + " EXCEPT ALL " + b +
                          ") UNION ALL (" + b + " EXCEPT ALL " + a + "))");
    std::printf("rows differing: %lld\n", static_cast<long long>(diff.at(0, "n").as_int()));
  }
  fs::remove_all(work);
  return 0;
}
