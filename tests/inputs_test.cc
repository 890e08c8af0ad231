// URL-typed input patterns through the `pond` binary (docs/inputs.md): csv with its
// options and compression, series:// over data files holding Parquet (archives), the
// same scope's overlapping inputs merged without doubles, `pond cat URL`, the parse of
// each version kept and reused, and bad input refused in one line.
#include <gmock/gmock.h>

#include <cstdlib>

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
