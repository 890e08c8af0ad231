// URL-typed input patterns through the `pond` binary (docs/inputs.md): csv with its
// options and compression, series:// over data files holding Parquet (archives), the
// same scope's overlapping inputs merged without doubles, `pond cat URL`, the parse of
// each version kept and reused, and bad input refused in one line.
#include <gmock/gmock.h>

#include <cstdlib>
#include <functional>
#include <memory>

#include "factories_fixture.h"

namespace pond::testing {
namespace {

using ::testing::HasSubstr;

class InputsTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    Ok({"mkdir", "-p", "/history"});
  }
  // Copies host text `bytes` as the data file `pond_path`.
  void CopyData(const std::string& name, const std::string& bytes, const std::string& pond_path) {
    Ok({"copy", Host(name, bytes), pond_path});
  }
  // The host log tmp_/m.json mirrored into the file:log /ingest/m.json, as logfile-ingest
  // keeps one: the function appends text to the host file and copies its new bytes in.
  std::function<void(const std::string&)> MirroredLog() {
    Ok({"mkdir", "-p", "/ingest"});
    const std::string host = tmp_ / "m.json";
    auto bytes = std::make_shared<std::string>();
    return [this, host, bytes](const std::string& more) {
      *bytes += more;
      WriteFile(host, *bytes);
      Ok({"copy", "--format", "log", host, "/ingest/m.json"});
    };
  }
  // Files the input parses are kept as: one per version read through a format.
  size_t Parses() const {
    size_t n = 0;
    const auto dir = std::filesystem::path(pond_dir_) / "cache" / "input-parse";
    if (!std::filesystem::exists(dir)) return 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      n += e.path().extension() == ".parquet";
    return n;
  }
  // `query`'s rows written by DuckDB as Parquet to host file `name`.
  std::string HostParquet(const std::string& name, const std::string& query) {
    engine::Database db;
    engine::Connection con(db);
    const std::string path = tmp_ / name;
    con.Execute("COPY (" + query + ") TO " + engine::QuoteLiteral(path) + " (FORMAT parquet)");
    return path;
  }
};

TEST_F(InputsTest, CsvOptionsAndUnionByName) {
  CopyData("2023.csv", "month;gallons\n2023-11;1200\n2023-12;1300\n", "/history/2023.csv");
  // A later file adds a column: union by name, NULL where a file lacks it.
  CopyData("2024.csv", "month;gallons;leaks\n2024-01;1250;2\n", "/history/2024.csv");
  Mknod("sql-derived-table", "/usage", R"(
patterns:
  monthly: "csv:///history/*.csv?delimiter=;"
query: SELECT month, gallons, leaks FROM monthly ORDER BY month
)");
  EXPECT_EQ(Ok({"cat", "/usage", "--format", "csv"}),
            "month,gallons,leaks\n2023-11,1200,\n2023-12,1300,\n2024-01,1250,2\n");
  // No header: DuckDB's column names.
  CopyData("raw.csv", "a,1\nb,2\n", "/history/raw.txt");
  EXPECT_EQ(Ok({"cat", "csv:///history/raw.txt?has_header=false", "--format", "csv"}),
            "column0,column1\na,1\nb,2\n");
}

TEST_F(InputsTest, CompressedCsv) {
  const std::string csv = "t,v\n2024-01-01 00:00:00,1.5\n2024-01-01 01:00:00,2.5\n";
  const std::string plain = Host("u.csv", csv);
  ASSERT_EQ(std::system(("gzip -k -f " + plain + " && zstd -q -f " + plain).c_str()), 0);
  Ok({"copy", plain + ".gz", "/history/u.csv.gz"});
  Ok({"copy", plain + ".zst", "/history/u.csv.zst"});
  const std::string want = "n,total\n2,4.0\n";
  const std::string sql = "SELECT count(*) AS n, sum(v) AS total FROM source";
  EXPECT_EQ(Ok({"cat", "csv+gzip:///history/u.csv.gz", "--sql", sql, "--format", "csv"}), want);
  EXPECT_EQ(Ok({"cat", "csv+zstd:///history/u.csv.zst", "--sql", sql, "--format", "csv"}), want);
  // The wrong decompressor is one line naming the file.
  RunResult r = P({"cat", "csv+zstd:///history/u.csv.gz"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("/history/u.csv.gz"));
  EXPECT_EQ(Lines(r.err), 1u);
}

// Noyo's archives: Parquet served as data files, read through series:///, joined in
// one scope with the live series they overlap; a reading in both counts once.
TEST_F(InputsTest, ArchivesThroughSeriesMergeWithLiveDataWithoutDoubles) {
  CopySeries("live.csv",
             "timestamp,Temperature.C\n2024-03-01 00:00:00,10.5\n2024-03-01 01:00:00,11.0\n"
             "2024-03-01 02:00:00,11.5\n",
             "/hydrovu/live.series");
  const std::string archive = HostParquet(
      "archive.parquet",
      "SELECT * FROM (VALUES (TIMESTAMP '2024-02-29 23:00:00', 10.0), "
      "(TIMESTAMP '2024-03-01 00:00:00', 10.5), (TIMESTAMP '2024-03-01 01:00:00', 11.0)) "
      "t(\"timestamp\", \"Temperature.C\")");
  Ok({"mkdir", "-p", "/archive/devices/1"});
  Ok({"copy", archive, "/archive/devices/1/X_archive.series"});
  EXPECT_THAT(Ok({"list", "-l", "/archive/devices/1/*"}), HasSubstr("file:data"));
  Mknod("timeseries-join", "/site", R"(
inputs:
  - {pattern: "series:///archive/devices/1/X*.series", scope: S}
  - {pattern: /hydrovu/live.series, scope: S}
)");
  EXPECT_EQ(Ok({"cat", "/site", "--format", "csv"}),
            "timestamp,S.Temperature.C\n2024-02-29 23:00:00,10.0\n2024-03-01 00:00:00,10.5\n"
            "2024-03-01 01:00:00,11.0\n2024-03-01 02:00:00,11.5\n");
  // The archive is a series to a reduce too, with its times known.
  Mknod("temporal-reduce", "/daily", R"(
in_pattern: "series:///archive/devices/*/X*.series"
out_pattern: "dev$0"
resolutions: [1d]
aggregations: [{type: count, columns: ["*"]}]
)");
  EXPECT_EQ(Ok({"cat", "/daily/dev1/res=1d.series", "--format", "csv"}),
            "timestamp,timestamp.count\n2024-02-29 00:00:00,1\n2024-03-01 00:00:00,2\n");
  // A data file that is not Parquet says so.
  CopyData("notes.txt", "not parquet\n", "/archive/devices/1/X_notes.series");
  RunResult r = P({"cat", "/site", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: not a Parquet file (series:// and table:// read data files as Parquet) "
            "(/archive/devices/1/X_notes.series)\n");
}

// A scope configured with several inputs is merged without repeats even while only one
// of them matches (a fresh pond before its first collection): archives that overlap
// each other count a shared reading once before live data arrives as after.
TEST_F(InputsTest, AScopeOfSeveralInputsKeepsARepeatedReadingOnceWhileOneMatches) {
  Ok({"mkdir", "-p", "/archive"});
  for (const auto& [name, values] : {std::pair{"X_archive_1.series",
                                               "(TIMESTAMP '2024-03-01 00:00:00', 10.0), "
                                               "(TIMESTAMP '2024-03-01 01:00:00', 10.5)"},
                                     std::pair{"X_archive_2.series",
                                               "(TIMESTAMP '2024-03-01 01:00:00', 10.5), "
                                               "(TIMESTAMP '2024-03-01 02:00:00', 11.0)"}})
    Ok({"copy",
        HostParquet(name, std::string("SELECT * FROM (VALUES ") + values +
                              ") t(\"timestamp\", \"Temperature.C\")"),
        std::string("/archive/") + name});
  Mknod("timeseries-join", "/site", R"(
inputs:
  - {pattern: "series:///archive/X*.series", scope: S}
  - {pattern: /hydrovu/X*.series, scope: S}
)");
  const std::string archived =
      "timestamp,S.Temperature.C\n2024-03-01 00:00:00,10.0\n2024-03-01 01:00:00,10.5\n"
      "2024-03-01 02:00:00,11.0\n";
  EXPECT_EQ(Ok({"cat", "/site", "--format", "csv"}), archived);
  CopySeries("live.csv", "timestamp,Temperature.C\n2024-03-01 02:00:00,11.0\n",
             "/hydrovu/X.series");
  EXPECT_EQ(Ok({"cat", "/site", "--format", "csv"}), archived);
  // An input alone in its scope stacks its matches as they are (docs/inputs.md).
  Mknod("timeseries-join", "/alone", R"(
inputs:
  - {pattern: "series:///archive/X*.series", scope: S}
)");
  EXPECT_EQ(Ok({"cat", "/alone", "--format", "csv", "--sql", "SELECT count(*) AS n FROM source"}),
            "n\n4\n");
}

// One OTLP/JSON line: gauges (name, value) at `seconds` after 2024-07-01 00:00:00 UTC,
// plus a monotonic sum that must be ignored.
std::string OtlpLine(int seconds, const std::vector<std::pair<std::string, double>>& gauges) {
  const std::string ns = std::to_string((1719792000LL + seconds) * 1000000000LL);
  std::string metrics;
  for (const auto& [name, value] : gauges) {
    metrics += "{\"name\":\"" + name + "\",\"unit\":\"m\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"" +
               ns + "\",\"asDouble\":" + std::to_string(value) + "}]}},";
  }
  metrics += "{\"name\":\"pump_starts\",\"sum\":{\"isMonotonic\":true,\"dataPoints\":[{"
             "\"timeUnixNano\":\"" + ns + "\",\"asInt\":\"112\"}]}}";
  return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"host.name\",\"value\":"
         "{\"stringValue\":\"pumphouse\"}}]},\"scopeMetrics\":[{\"scope\":{\"name\":\"modbus\"},"
         "\"metrics\":[" + metrics + "]}]}]}\n";
}

// water.yaml's shape: rotated OTLP logs whose metric set grows, reduced hourly; a
// malformed line is skipped with one warning; an older record appended after newer
// ones lands in its own bucket.
TEST_F(InputsTest, OtelJsonLogsThroughATemporalReduce) {
  Ok({"mkdir", "-p", "/ingest"});
  CopyData("w1.json",
           OtlpLine(0, {{"well_depth_value", 43.5}}) + OtlpLine(1800, {{"well_depth_value", 44.5}}),
           "/ingest/casparwater-1.json");
  CopyData("w2.json",
           OtlpLine(3600, {{"well_depth_value", 45.0}, {"atlasph_ph", 7.0}}) + "{not json\n" +
               OtlpLine(7200, {{"atlasph_ph", 7.5}}) +
               // Older than the line before it: a late record.
               OtlpLine(5400, {{"well_depth_value", 46.0}}),
           "/ingest/casparwater.json");
  Mknod("temporal-reduce", "/reduced", R"(
in_pattern: "oteljson:///ingest/casparwater*.json"
out_pattern: water
time_column: timestamp
resolutions: [1h]
allowed_lateness: 14d
aggregations:
  - {type: avg, columns: ["*"]}
)");
  RunResult r = P({"cat", "/reduced/water/res=1h.series", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            // Columns in the order the union by name meets them.
            "timestamp,well_depth_value.avg,atlasph_ph.avg\n"
            "2024-07-01 00:00:00,44.0,\n"
            "2024-07-01 01:00:00,45.5,7.0\n"
            "2024-07-01 02:00:00,,7.5\n");
  EXPECT_EQ(r.err,
            "pond: warning: 1 malformed line(s) skipped (/ingest/casparwater.json)\n");
  // The wide table itself: a row per timestamp, sorted, the sum left out.
  EXPECT_EQ(Ok({"cat", "oteljson:///ingest/casparwater.json", "--format", "csv"}),
            "timestamp,atlasph_ph,well_depth_value\n"
            "2024-07-01 01:00:00,7.0,45.0\n"
            "2024-07-01 01:30:00,,46.0\n"
            "2024-07-01 02:00:00,7.5,\n");
}

// noyo.yaml's laketech archive: HydroVu HTML exports renamed by a column-rename with
// the original's typed rules and joined into a scope, as the live names read.
TEST_F(InputsTest, ExcelHtmlExportsThroughAJoin) {
  const std::string page = R"(<html><body><table id="other"><tr><td>x</td></tr></table>
<table id="isi-report">
 <tr class="sectionHeader"><td>Location Properties</td></tr>
 <tr class="sectionMember"><td>Location Name = FB-Bottom</td></tr>
 <tr class="sectionMember"><td>Time Offset = -08:00</td></tr>
 <tr class="dataHeader" isi-data-table=""><td>Date Time</td><td>Temperature (C)</td><td>DO (mg/L)</td></tr>
 <tr class="data" isi-data-row=""><td class="dateTime">2025-03-01 08:00:00</td><td>11.42</td><td>8.9</td></tr>
 <tr class="data" isi-data-row=""><td class="dateTime">2025-03-01 08:15:00</td><td></td><td>8.8</td></tr>
</table></body></html>
)";
  Ok({"mkdir", "-p", "/laketech/data"});
  CopyData("e.htm", page, "/laketech/data/HydroVu_FB-Bottom_Export.htm");
  Ok({"mkdir", "-p", "/system/etc"});
  Mknod("column-rename", "/system/etc/10-hrename", R"(
rules:
  - {type: direct, from: "Date Time", to: "timestamp", cast: timestamp}
  - {type: pattern, pattern: "^(.+) \\((.+)\\)$", replacement: "$1.$2"}
)");
  Mknod("timeseries-join", "/bottom", R"(
inputs:
  - pattern: "excelhtml:///laketech/data/HydroVu_FB-Bottom*.htm"
    scope: AT500_Bottom
    transforms: [/system/etc/10-hrename]
    range: {end: 2025-03-01T08:15:00Z}
)");
  EXPECT_EQ(Ok({"cat", "/bottom", "--format", "csv"}),
            "timestamp,AT500_Bottom.Temperature.C,AT500_Bottom.DO.mg/L\n"
            "2025-03-01 08:00:00,11.42,8.9\n");
  // A page without its table is one line naming the file.
  CopyData("bad.htm", "<html><table><tr><td>1</td></tr></table></html>\n",
           "/laketech/data/HydroVu_FB-Bottom_Broken.htm");
  RunResult r = P({"cat", "/bottom", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("/laketech/data/HydroVu_FB-Bottom_Broken.htm"));
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
}

// selfmon's queries: JSON Lines logs, a VARCHAR per key.
TEST_F(InputsTest, JsonLogsThroughSqlDerived) {
  Ok({"mkdir", "-p", "/logs/journal"});
  CopyData("k.jsonl",
           "{\"MESSAGE\":\"eth0 up\",\"PRIORITY\":6}\n"
           "not json\n"
           "{\"MESSAGE\":\"disk full\",\"PRIORITY\":2,\"_PID\":{\"n\":1}}\n",
           "/logs/journal/kernel.jsonl");
  EXPECT_EQ(Ok({"cat", "jsonlogs:///logs/journal/kernel.jsonl", "--format", "csv", "--sql",
                "SELECT PRIORITY, MESSAGE, _PID FROM source ORDER BY PRIORITY"}),
            "PRIORITY,MESSAGE,_PID\n2,disk full,\"{\"\"n\"\":1}\"\n6,eth0 up,\n");
}

// A growing append-only log (file:log, as logfile-ingest keeps one): each stored piece's
// complete lines are parsed once, an unfinished last line waits for its end, and an
// append parses its own bytes, not the history.
TEST_F(InputsTest, AnAppendOnlyLogIsParsedPieceByPiece) {
  const auto append = MirroredLog();
  const std::string host = tmp_ / "m.json";
  const std::string sql = "SELECT count(*) AS n, sum(well_depth_value) AS s FROM source";
  const auto read = [&] {
    return Ok({"cat", "oteljson:///ingest/m.json", "--sql", sql, "--format", "csv"});
  };
  for (int i = 0; i < 12; ++i) append(OtlpLine(60 * i, {{"well_depth_value", 40.5 + i}}));
  EXPECT_EQ(read(), "n,s\n12,552.0\n");
  // A line cut in two by the writer: not a row, not a warning, until it is whole.
  const std::string late = OtlpLine(3600, {{"well_depth_value", 99.5}});
  append(late.substr(0, 50));
  RunResult r = P({"cat", "oteljson:///ingest/m.json", "--sql", sql, "--format", "csv"});
  EXPECT_EQ(r.out, "n,s\n12,552.0\n");
  EXPECT_EQ(r.err, "");
  append(late.substr(50));
  EXPECT_EQ(read(), "n,s\n13,651.5\n");
  // One more hour: only the new piece (and pieces a merge just made) is parsed.
  const size_t before = Parses();
  append(OtlpLine(3660, {{"well_depth_value", 1.0}}));
  EXPECT_EQ(read(), "n,s\n14,652.5\n");
  EXPECT_LE(Parses() - before, 2u);
  // The same rows as the whole file read from the host.
  EXPECT_EQ(Ok({"cat", "host+oteljson://" + host, "--sql", sql, "--format", "csv"}), read());
}

// A reduction over a growing log: an append whose rows all fall in the hot span leaves
// the cached cold spans as they were (their pack is read, not written again); a late
// record into one of them has them computed again. Every read equals one from scratch.
TEST_F(InputsTest, AnAppendToALogKeepsTheReductionsColdSpans) {
  const auto append = MirroredLog();
  const auto packs = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(pond_dir_ + "/cache/reduce-pack"))
      n += e.path().extension() == ".parquet";
    return n;
  };
  std::string days;  // 60 days of hourly lines: cold spans of 28 days and the hot one
  for (int h = 0; h < 60 * 24; ++h)
    days += OtlpLine(3600 * h, {{"well_depth_value", 40 + (h % 8) * 0.125}});
  append(days);
  Mknod("temporal-reduce", "/reduced", R"(
in_pattern: "oteljson:///ingest/m.json"
out_pattern: m
resolutions: [1h]
aggregations: [{type: avg}, {type: count, columns: ["*"]}]
)");
  const auto cat = [&](bool cached) {
    return Ok({"cat", "/reduced/m/res=1h.series", "--format", "csv"},
              cached ? std::map<std::string, std::string>{}
                     : std::map<std::string, std::string>{{"POND_CACHE", "off"}});
  };
  EXPECT_EQ(cat(true), cat(false));
  // The first append: the log in two pieces, parsed apart from now on.
  append(OtlpLine(3600 * 60 * 24, {{"well_depth_value", 41.0}}));
  EXPECT_EQ(cat(true), cat(false));
  const size_t written = packs();
  append(OtlpLine(3600 * (60 * 24 + 1), {{"well_depth_value", 42.0}}));
  EXPECT_EQ(cat(true), cat(false));
  EXPECT_EQ(packs(), written);
  append(OtlpLine(3600 * 24 * 3 + 1800, {{"well_depth_value", 99.0}}));
  EXPECT_EQ(cat(true), cat(false));
  EXPECT_EQ(packs(), written + 1);
}

TEST_F(InputsTest, EachVersionIsParsedOnceAndOnlyNewFilesLater) {
  CopyData("a.csv", "k,v\na,1\n", "/history/a.csv");
  CopyData("b.csv", "k,v\nb,2\n", "/history/b.csv");
  const std::string sql = "SELECT string_agg(k, '' ORDER BY k) AS ks FROM source";
  EXPECT_EQ(Ok({"cat", "csv:///history/*.csv", "--sql", sql, "--format", "csv"}), "ks\nab\n");
  EXPECT_EQ(Parses(), 2u);
  EXPECT_EQ(Ok({"cat", "csv:///history/*.csv", "--sql", sql, "--format", "csv"}), "ks\nab\n");
  EXPECT_EQ(Parses(), 2u);
  CopyData("c.csv", "k,v\nc,3\n", "/history/c.csv");
  EXPECT_EQ(Ok({"cat", "csv:///history/*.csv", "--sql", sql, "--format", "csv"}), "ks\nabc\n");
  EXPECT_EQ(Parses(), 3u);
  // A new version of a file is new bytes: parsed once more; the old parse stays unused.
  CopyData("a2.csv", "k,v\nA,1\n", "/history/a.csv");
  EXPECT_EQ(Ok({"cat", "csv:///history/*.csv", "--sql", sql, "--format", "csv"}), "ks\nAbc\n");
  EXPECT_EQ(Parses(), 4u);
  // The cache is only a cache: without it the answer is the same.
  EXPECT_EQ(Ok({"cat", "csv:///history/*.csv", "--sql", sql, "--format", "csv"},
               {{"POND_CACHE", "off"}}),
            "ks\nAbc\n");
}

TEST_F(InputsTest, BadInputIsOneLineAndChangesNothing) {
  CopyData("a.csv", "k,v\na,1\n", "/history/a.csv");
  const std::string log = Ok({"log"});
  const auto refused = [&](const std::string& pattern, const std::string& message) {
    const std::string config = Host("bad.yaml", "patterns: {t: \"" + pattern + "\"}\nquery: SELECT * FROM t\n");
    RunResult r = P({"mknod", "sql-derived-table", "/bad", "--config", config});
    EXPECT_EQ(r.exit_code, 1) << pattern;
    EXPECT_EQ(r.err, "pond: error: " + message + " (" + config + ":1)\n") << pattern;
  };
  refused("zip:///history/a.csv",
          "field 'patterns.t': unknown scheme 'zip' (expected file, series, table, data, csv, "
          "oteljson, excelhtml or jsonlogs) in input URL 'zip:///history/a.csv'");
  refused("csv+rar:///history/a.csv",
          "field 'patterns.t': unknown suffix 'rar' (expected gzip, zstd, bzip2, table or series) "
          "in input URL 'csv+rar:///history/a.csv'");
  refused("csv+gzip+gzip:///history/a.csv",
          "field 'patterns.t': repeated compression 'gzip' in input URL "
          "'csv+gzip+gzip:///history/a.csv'");
  refused("csv://host/history/a.csv",
          "field 'patterns.t': a host, user or port (write scheme:///path, three slashes) in "
          "input URL 'csv://host/history/a.csv'");
  refused("csv:///history/a.csv?separator=;",
          "field 'patterns.t': unknown csv option 'separator' (expected delimiter, has_header, "
          "quote, escape or schema_infer_max_records) in input URL "
          "'csv:///history/a.csv?separator=;'");
  refused("oteljson:///history/a.csv?delimiter=;",
          "field 'patterns.t': unknown oteljson option 'delimiter' in input URL "
          "'oteljson:///history/a.csv?delimiter=;'");
  EXPECT_EQ(Ok({"log"}), log);
  // A glob that matches nothing fails the read naming the input.
  Mknod("sql-derived-table", "/none", "patterns: {t: \"csv:///nothing/*.csv\"}\nquery: SELECT 1 AS x FROM t\n");
  RunResult r = P({"cat", "/none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: pattern matched nothing (csv:///nothing/*.csv)\n");
  // A format over a table is refused naming the node.
  CopySeries("s.csv", "timestamp,v\n2024-01-01 00:00:00,1\n", "/history/s.series");
  r = P({"cat", "csv:///history/s.series"});
  EXPECT_EQ(r.err, "pond: error: not a data file (csv:// reads a file's bytes) (/history/s.series)\n");
}

}  // namespace
}  // namespace pond::testing
