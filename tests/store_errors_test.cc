// Bad input gets one clear line on stderr, exit status 1, and leaves the pond
// exactly as it was: each case compares a dump of the catalog and blobs/ before
// and after.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

class StoreErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1.5\n2024-07-01 01:00:00,2.5\n");
    Host("t.csv", "site,depth\nBDock,3\n");
    Ok({"copy", tmp_ / "a.csv", "/raw/a.series", "--format", "series"});
    Ok({"copy", tmp_ / "t.csv", "/raw/t.table", "--format", "table"});
  }
  RunResult P(const std::vector<std::string>& args) { return Pond(args, {{"POND", dir_}}); }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string Host(const std::string& name, const std::string& text) {
    WriteFile(tmp_.path() / name, text);
    return tmp_ / name;
  }
  // Everything a reader can see, plus the blob files themselves.
  // Without schemas when a blob is corrupt on purpose (describe reads Parquet footers).
  std::string Dump(bool schemas = true) {
    // describe --json has every path, kind and version (blob, size, rows, times).
    std::string d =
        Ok({"log", "--json"}) + Ok(schemas ? std::vector<std::string>{"describe", "--json", "/**"}
                                           : std::vector<std::string>{"list", "-l", "/**"});
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
      files.insert(e.path().string() + " " +
                   (e.is_regular_file() ? std::to_string(e.file_size()) : "dir"));
    for (const auto& f : files) d += f + "\n";
    return d;
  }
  // Runs a failing command: exit 1, exactly `error` on stderr, the pond unchanged.
  // (Failures in a row share dumps: the one after a failure is the next one's before.)
  void Fails(const std::vector<std::string>& args, const std::string& error) {
    SCOPED_TRACE(args.front() + (args.size() > 1 ? " " + args[1] : ""));
    if (last_dump_.empty()) last_dump_ = Dump();
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "pond: error: " + error + "\n");
    const std::string after = Dump();
    EXPECT_EQ(after, last_dump_);
    last_dump_ = after;
  }

  std::string last_dump_;

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

TEST_F(StoreErrors, MissingHostFile) {
  Fails({"copy", tmp_ / "nope.csv", "/raw/x.series", "--format", "series"},
        "no such file (" + tmp_ / "nope.csv" + ")");
}

TEST_F(StoreErrors, MalformedCsvRowNamesFileAndLine) {
  std::string csv = "timestamp,v\n";
  for (int i = 0; i < 30; ++i)
    csv += "2024-07-02 00:00:" + std::to_string(10 + i) + "," + (i == 20 ? "1,2" : "3") + "\n";
  std::string f = Host("bad.csv", csv);
  Fails({"copy", f, "/raw/a.series", "--format", "series"},
        "malformed CSV row: Expected Number of Columns: 2 Found: 3 (" + f + ":22)");
}

TEST_F(StoreErrors, MalformedValueFoundWhileWritingNamesFileAndLine) {
  // The sniffer samples the start; the bad value is found by the COPY itself.
  std::string csv = "timestamp,v\n";
  for (int i = 0; i < 30000; ++i)
    csv += "2024-07-02 00:00:00," + (i == 29000 ? std::string("n/a") : "1") + "\n";
  std::string f = Host("late.csv", csv);
  Fails(
      {"copy", f, "/raw/a.series", "--format", "series"},
      "malformed CSV row: Error when converting column \"v\". Could not convert string \"n/a\" to "
      "'BIGINT' (" +
          f + ":29002)");
}

TEST_F(StoreErrors, CsvWithANulByteIsRefusedNamingTheLine) {
  using namespace std::string_literals;
  std::string f = Host("nul.csv", "timestamp,v\n2024-07-01 00:00:00,1\n2024-07-01 01:00:00,2\0\0"s + "3\n");
  Fails({"copy", f, "/raw/n.series", "--format", "series"},
        "malformed CSV row: a NUL byte (not a text file?) (" + f + ":3)");
  std::string big = "timestamp,v\n";
  big += std::string(3'000'000, '1') + "\n";
  f = Host("long.csv", big);
  Fails({"copy", f, "/raw/l.series", "--format", "series"},
        "malformed CSV row: Maximum line size of 2000000 bytes exceeded. Actual Size:3000000 bytes. (" + f + ":2)");
}

TEST_F(StoreErrors, UnterminatedQuoteIsRefusedNotReadAsText) {
  // A sniffer left to guess reads this with no quote character, and `v` becomes
  // VARCHAR holding `"unterminated`; the RFC 4180 dialect is given instead.
  std::string f = Host("quote.csv",
                       "timestamp,v\n2024-07-02 00:00:00,2\n2024-07-02 01:00:00,\"unterminated\n"
                       "2024-07-02 02:00:00,4\n");
  Fails({"copy", f, "/raw/a.series", "--format", "series"},
        "malformed CSV row: Value with unterminated quote found. (" + f + ":3)");
  Fails({"copy", f, "/raw/q.table", "--format", "table"},
        "malformed CSV row: Value with unterminated quote found. (" + f + ":3)");
  // Quotes that follow RFC 4180 still read, doubled quotes included.
  Host("quoted.csv", "timestamp,v,note\n2024-07-03 00:00:00,3,\"a, \"\"b\"\"\"\n");
  Ok({"copy", tmp_ / "quoted.csv", "/raw/a.series", "--format", "series"});
  EXPECT_EQ(Ok({"cat", "/raw/a.series", "--format", "csv", "--sql",
                "SELECT v, note FROM series WHERE note IS NOT NULL"}),
            "v,note\n3.0,\"a, \"\"b\"\"\"\n");
}

TEST_F(StoreErrors, NeitherParquetNorCsvSuggestsFormatData) {
  using namespace std::string_literals;
  const std::string suffix = "; to store its bytes as they are, use --format data (";
  std::string png = Host("photo.parquet", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"s);
  Fails(
      {"copy", png, "/raw/p.table", "--format", "table"},
      "neither Parquet (no PAR1 magic bytes) nor CSV (named .csv or .csv.gz)" + suffix + png + ")");
  std::string txt = Host("notes.txt", "timestamp,v\n2024-07-01 00:00:00,1\n");
  Fails(
      {"copy", txt, "/raw/n.series", "--format", "series"},
      "neither Parquet (no PAR1 magic bytes) nor CSV (named .csv or .csv.gz)" + suffix + txt + ")");
  // A Parquet file cut short has its first magic bytes but not its last.
  std::string cut = Host("cut.parquet", "PAR1\x15\x04\x15\x10\x15\x14L\x15\x02"s);
  Fails({"copy", cut, "/raw/c.table", "--format", "table"},
        "not a readable Parquet file: no PAR1 magic bytes at its end (truncated?) (" + cut + ")");
  // What it suggests works.
  Ok({"copy", png, "/raw/p.bin", "--format", "data"});
}

TEST_F(StoreErrors, UnsupportedUrlSchemesAreNamed) {
  Fails({"copy", "host+table://" + tmp_ / "t.csv", "/raw/x.table"},
        "unsupported URL scheme 'host+table://': use host:// with --format table (host+table://" +
            tmp_ / "t.csv" + ")");
  Fails({"copy", "csv://t.csv", "/raw/x.table", "--format", "table"},
        "unsupported URL scheme 'csv://': copy takes host:// paths and pond paths (csv://t.csv)");
  Fails(
      {"copy", "/raw/a.series", "s3://bucket/out"},
      "unsupported URL scheme 's3://': copy takes host:// paths and pond paths (s3://bucket/out)");
}

TEST_F(StoreErrors, SeriesWithoutTimeColumn) {
  std::string f = Host("notime.csv", "when,v\n2024-07-01,1\n");
  Fails({"copy", f, "/raw/n.series", "--format", "series"},
        "no time column (timestamp, time, ts, datetime or Date Time) (" + f + ")");
}

TEST_F(StoreErrors, SeriesAppendWithConflictingSchemaNamesTheColumn) {
  std::string f = Host("conflict.csv", "timestamp,v\n2024-07-03 00:00:00,high\n");
  Fails({"copy", f, "/raw/a.series", "--format", "series"},
        "column 'v' is VARCHAR here but DOUBLE in /raw/a.series (" + f + ")");
}

TEST_F(StoreErrors, AClashInTheSecondFileOfACopyWritesNothing) {
  // /raw/c.csv is a series with a DOUBLE column; a copy of two files into /raw whose
  // second types it VARCHAR commits neither, nor keeps the first one's blob.
  Ok({"copy", Host("c.csv", "timestamp,v\n2024-07-01 00:00:00,1.5\n"), "/raw/c.csv", "--format",
      "series"});
  std::filesystem::create_directories(tmp_.path() / "later");
  std::string fresh = Host("fresh.csv", "timestamp,v\n2024-07-02 00:00:00,2.5\n");
  std::string text = Host("later/c.csv", "timestamp,v\n2024-07-03 00:00:00,n/a\n");
  Fails({"copy", fresh, text, "/raw", "--format", "series"},
        "column 'v' is VARCHAR here but DOUBLE in /raw/c.csv (" + text + ")");
}

TEST_F(StoreErrors, BadPathsAndExistingPaths) {
  Fails({"mkdir", "/raw"}, "already exists (/raw)");
  Fails({"mkdir", "/raw/../etc"}, "invalid path component '..' (/raw/../etc)");
  Fails({"mkdir", "/raw//x"}, "empty path component (/raw//x)");
  Fails({"mkdir", "raw"}, "pond paths must start with '/' (raw)");
  Fails({"mkdir", "/no/such"}, "no such directory (/no)");
  Fails({"copy", tmp_ / "t.csv", "/nowhere/t.table", "--format", "table"},
        "no such directory (/nowhere)");
  Fails({"copy", tmp_ / "t.csv", "/raw/a.series", "--format", "table"},
        "existing node is file:series, not file:table (/raw/a.series)");
}

TEST_F(StoreErrors, ReadingWhatCannotBeRead) {
  Fails({"cat", "/raw"}, "is a directory (/raw)");
  Fails({"cat", "/nope.series"}, "no such node (/nope.series)");
  Fails({"--at", "99", "cat", "/raw/a.series"}, "no transaction 99 (last is 4)");
  Fails({"--at", "0", "list"}, "no transaction 0 (last is 4)");
}

TEST_F(StoreErrors, CorruptedBlobIsFoundByCheck) {
  std::string blob;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
    if (e.is_regular_file()) blob = e.path().string();
  ASSERT_FALSE(blob.empty());
  const std::string hash = fs::path(blob).stem().string();
  const std::string good = ReadFile(blob);
  WriteFile(blob, std::string(good.size(), 'x'));  // same size, other bytes
  const std::string before = Dump(false);
  RunResult r = P({"check"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, ::testing::HasSubstr("corrupt blob " + hash + " (node /raw/"));
  EXPECT_EQ(r.err, "pond: error: check found 1 problem (" + dir_ + ")\n");
  RunResult repair = P({"check", "--repair"});
  EXPECT_EQ(repair.exit_code, 1);
  EXPECT_EQ(repair.err,
            "pond: error: check found 1 problem that --repair cannot fix (" + dir_ + ")\n");
  EXPECT_EQ(Dump(false), before);
}

}  // namespace
}  // namespace pond::testing
