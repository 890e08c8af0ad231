// The incremental export (issue #16, docs/export.md "Incremental export"): with OUT's
// manifest, a file whose inputs did not change keeps its inode and mtime; changed
// partitions and pages are rewritten, vanished outputs removed, and the result is
// always the files a fresh export writes, byte for byte, also after kill -9.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

#include "engine/duckdb.h"
#include "support/export_pond.h"
#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

struct Stamp {
  ino_t inode;
  int64_t mtime_ns;
  bool operator==(const Stamp&) const = default;
};

class ExportIncremental : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    // 15-minute readings, 2024-01-01 to 2024-06-29 23:45.
    Append("a", "2024-01-01 00:00:00", 4 * 24 * 181, 1.0);
    Append("b", "2024-01-01 00:00:00", 4 * 24 * 181, 2.0);
    MakeReducedPages([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_,
                     "[{type: avg}]");
  }

  RunResult P(std::vector<std::string> args) {
    args.insert(args.begin(), {"--pond", dir_});
    return Pond(args);
  }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // `rows` readings every 15 minutes from `from` into /raw/<name>.series.
  void Append(const std::string& name, const std::string& from, int rows, double base) {
    AppendReadings([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_, name, from,
                   rows, [base](int i) { return base + (i % 97) / 10.0; });
  }
  std::vector<std::string> ExportArgs(const std::string& out) {
    return {"export",    "--pattern",  "/reduced/*/res=*.series",
            "--pattern", "/pages/*",   "--dir",
            out,         "--temporal", "year,month"};
  }
  nlohmann::json Export(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = ExportArgs(out_);
    args.insert(args.begin(), "--json");
    args.insert(args.end(), extra.begin(), extra.end());
    return nlohmann::json::parse(Ok(args));
  }
  // Every file of `dir` but the manifest, by relative path.
  static std::map<std::string, Stamp> Stamps(const fs::path& dir) {
    std::map<std::string, Stamp> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename() == ".pond-export.json") continue;
      struct stat st {};
      ::stat(e.path().c_str(), &st);
      out[fs::relative(e.path(), dir).string()] = {
          st.st_ino, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
    }
    return out;
  }
  static std::map<std::string, std::string> Hashes(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& [rel, stamp] : Stamps(dir)) out[rel] = Sha256File(dir / rel);
    return out;
  }
  // OUT holds what a fresh export writes, and the export said so too. Parquet files
  // are compared by rows, doubles to 1e-9: DuckDB sums an average's rows in the order
  // its threads meet them, so the last bit of an average may differ between two runs,
  // and with it the file's bytes. Pages (no sizes in them) and metadata are exact.
  void ExpectFresh(const nlohmann::json& result) {
    const std::string fresh = tmp_ / ("fresh" + std::to_string(++fresh_runs_));
    std::vector<std::string> args = ExportArgs(fresh);
    args.insert(args.begin(), {"--pond", dir_, "--json"});
    RunResult r = Pond(args, {{"POND_CACHE", "off"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto expected = nlohmann::json::parse(r.out);
    const auto ours = Hashes(out_), theirs = Hashes(fresh);
    std::set<std::string> ours_files, their_files;
    for (const auto& [rel, h] : ours) ours_files.insert(rel);
    for (const auto& [rel, h] : theirs) their_files.insert(rel);
    ASSERT_EQ(ours_files, their_files);
    engine::Database db;
    engine::Connection con(db);
    for (const auto& [rel, h] : theirs) {
      if (ours.at(rel) == h) continue;
      ASSERT_TRUE(rel.ends_with(".parquet")) << rel << " differs";
      auto scan = [&](const std::string& dir) {
        return "read_parquet(" + engine::QuoteLiteral((fs::path(dir) / rel).string()) +
               ", hive_partitioning = false)";
      };
      const auto n = con.Query(
          "SELECT (SELECT count(*) FROM " + scan(out_) + ") AS ours, (SELECT count(*) FROM " +
          scan(fresh) + ") AS theirs, (SELECT count(*) FROM " + scan(out_) + " o FULL JOIN " +
          scan(fresh) +
          " f USING (\"timestamp\") WHERE o.\"v.avg\" IS NULL OR "
          "f.\"v.avg\" IS NULL OR abs(o.\"v.avg\" - f.\"v.avg\") > 1e-9) AS bad");
      EXPECT_EQ(n.at(0, "ours").as_int(), n.at(0, "theirs").as_int()) << rel;
      EXPECT_EQ(n.at(0, "bad").as_int(), 0) << rel;
    }
    auto without_bytes = [](nlohmann::json j) {
      std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& v) {
        if (v.is_object()) {
          v.erase("bytes");
          for (auto& [k, c] : v.items()) strip(c);
        } else if (v.is_array()) {
          for (auto& c : v) strip(c);
        }
      };
      strip(j);
      return j;
    };
    EXPECT_EQ(without_bytes(result["stages"]), without_bytes(expected["stages"]));
  }
  // Paths whose stamp differs between two listings (or that only one has).
  static std::set<std::string> Changed(const std::map<std::string, Stamp>& a,
                                       const std::map<std::string, Stamp>& b) {
    std::set<std::string> out;
    for (const auto& [rel, s] : a)
      if (!b.contains(rel) || b.at(rel) != s) out.insert(rel);
    for (const auto& [rel, s] : b)
      if (!a.contains(rel)) out.insert(rel);
    return out;
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
  std::string out_ = tmp_ / "out";
  int fresh_runs_ = 0;
};

TEST_F(ExportIncremental, AnUnchangedPondWritesNothing) {
  auto first = Export();
  EXPECT_EQ(first["files_written"], first["total_files"]);
  EXPECT_TRUE(fs::exists(fs::path(out_) / ".pond-export.json"));
  const auto before = Stamps(out_);
  EXPECT_EQ(before.size(), 2u * 2 * 6 + 2);  // a, b × 1h, 1d × 6 months, two pages
  auto second = Export();
  EXPECT_EQ(second["files_written"], 0);
  EXPECT_EQ(second["files_kept"], second["total_files"]);
  EXPECT_EQ(second["stages"], first["stages"]);
  EXPECT_EQ(Stamps(out_), before);
}

TEST_F(ExportIncremental, OneMoreHourRewritesOnlyTheLastMonthOfThatSeries) {
  Export();
  const auto before = Stamps(out_);
  Append("a", "2024-06-30 00:00:00", 4, 5.0);  // the first hour after the last reading
  auto r = Export();
  EXPECT_EQ(Changed(before, Stamps(out_)),
            (std::set<std::string>{"a/1h/year=2024/month=6/data_0.parquet",
                                   "a/1d/year=2024/month=6/data_0.parquet", "page=a.md"}))
      << r.dump();
  EXPECT_EQ(r["files_written"], 3);
  ExpectFresh(r);
}

TEST_F(ExportIncremental, LateDataRewritesTheOldMonthItFallsIn) {
  Export();
  const auto before = Stamps(out_);
  Append("b", "2024-02-10 00:07:00", 2, 9.0);  // between two readings of February
  auto r = Export();
  // The page lists files, rows and last times, which did not change: it is kept.
  EXPECT_EQ(Changed(before, Stamps(out_)),
            (std::set<std::string>{"b/1h/year=2024/month=2/data_0.parquet",
                                   "b/1d/year=2024/month=2/data_0.parquet"}));
  ExpectFresh(r);
}

// Analyses (sql-derived-series): one whose rows read their inputs a day back (a
// RANGE frame) rewrites the months its window reaches from the new rows, and only
// those; one with a LAG (a reach in rows) is computed whole. Each month of the first
// is computed by itself, so a refresh writes the very bytes an export from scratch
// writes.
TEST_F(ExportIncremental, AnAnalysisRewritesTheMonthsItsWindowReaches) {
  Ok({"mkdir", "/analysis"});
  WriteFile(tmp_ / "mean.yaml",
            "patterns: {a: /raw/a.series}\nquery: SELECT timestamp, avg(v) OVER (ORDER BY "
            "timestamp RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS m FROM a\n");
  Ok({"mknod", "sql-derived-series", "/analysis/daily-mean", "--config", tmp_ / "mean.yaml"});
  WriteFile(tmp_ / "step.yaml",
            "patterns: {a: /raw/a.series}\nquery: SELECT timestamp, v - LAG(v) OVER (ORDER BY "
            "timestamp) AS d FROM a\n");
  Ok({"mknod", "sql-derived-series", "/analysis/step", "--config", tmp_ / "step.yaml"});
  const std::string out = tmp_ / "analyses";
  auto exported = [&](const std::string& dir, const std::map<std::string, std::string>& env) {
    RunResult r = Pond({"--pond", dir_, "--json", "export", "--pattern", "/analysis/*", "--dir",
                        dir, "--temporal", "year,month"},
                       env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  auto first = exported(out, {});
  EXPECT_EQ(first["files_written"], 2 * 6);
  auto before = Stamps(out);
  Append("a", "2024-06-30 00:00:00", 4, 5.0);  // an hour after the last reading
  exported(out, {});
  std::set<std::string> june = {"daily-mean/year=2024/month=6/data_0.parquet"};
  for (int m = 1; m <= 6; ++m)
    june.insert("step/year=2024/month=" + std::to_string(m) + "/data_0.parquet");
  EXPECT_EQ(Changed(before, Stamps(out)), june);
  // A late reading at the end of March: April's first day reads it too.
  before = Stamps(out);
  Append("a", "2024-03-31 23:50:00", 1, 9.0);
  exported(out, {});
  std::set<std::string> spring = {"daily-mean/year=2024/month=3/data_0.parquet",
                                  "daily-mean/year=2024/month=4/data_0.parquet"};
  for (int m = 1; m <= 6; ++m)
    spring.insert("step/year=2024/month=" + std::to_string(m) + "/data_0.parquet");
  EXPECT_EQ(Changed(before, Stamps(out)), spring);
  // Byte for byte what an export from scratch writes.
  const std::string fresh = tmp_ / "analyses-fresh";
  exported(fresh, {{"POND_CACHE", "off"}});
  EXPECT_EQ(Hashes(out), Hashes(fresh));
}

TEST_F(ExportIncremental, NewMonthsAreAddedAndVanishedOutputsRemoved) {
  Export();
  Append("a", "2024-07-01 00:00:00", 4 * 24 * 3, 3.0);  // three days of July
  auto r = Export();
  EXPECT_TRUE(fs::exists(fs::path(out_) / "a/1d/year=2024/month=7/data_0.parquet"));
  ExpectFresh(r);
  Ok({"rm", "/raw/b.series"});
  r = Export();
  EXPECT_EQ(r["files_removed"], 2 * 6 + 1);
  EXPECT_FALSE(fs::exists(fs::path(out_) / "b"));
  EXPECT_FALSE(fs::exists(fs::path(out_) / "page=b.md"));
  ExpectFresh(r);
}

TEST_F(ExportIncremental, AFileChangedByHandIsRewrittenAndRebuildRewritesAll) {
  Export();
  const fs::path file = fs::path(out_) / "b/1h/year=2024/month=3/data_0.parquet";
  const std::string good = ReadFile(file);
  WriteFile(file, "not parquet");
  ::utimensat(AT_FDCWD, file.c_str(), nullptr, 0);
  auto r = Export();
  EXPECT_EQ(r["files_written"], 1);
  EXPECT_EQ(ReadFile(file), good);
  const auto before = Stamps(out_);
  r = Export({"--rebuild"});
  EXPECT_EQ(r["files_written"], r["total_files"]);
  for (const auto& [rel, stamp] : Stamps(out_)) EXPECT_NE(stamp.inode, before.at(rel).inode) << rel;
  ExpectFresh(r);
}

// Rows without a time are no month's: when a series gains some, the next export
// writes their year=NULL file (a reduction, which never has them, is not asked).
TEST_F(ExportIncremental, RowsWithoutATimeAreExportedWhenTheyAppear) {
  auto args = [&](const std::string& dir) {
    return std::vector<std::string>{"--json", "export", "--pattern",  "/raw/*.series",
                                    "--dir",  dir,      "--temporal", "year,month"};
  };
  Ok(args(out_));
  WriteFile(tmp_.path() / "null.csv", "timestamp,v\n2024-06-29 23:50:00,7.0\n,7.5\n");
  Ok({"copy", tmp_ / "null.csv", "/raw/b.series", "--format", "series"});
  auto r = nlohmann::json::parse(Ok(args(out_)));
  EXPECT_TRUE(fs::exists(fs::path(out_) / "b/year=NULL/month=NULL/data_0.parquet")) << r.dump();
  Ok(args(tmp_ / "fresh"));
  EXPECT_EQ(Hashes(out_), Hashes(tmp_ / "fresh"));
}

// The manifest lies in OUT, where anyone may edit it: one that names a path outside
// OUT is not trusted (nothing outside is removed), and the export starts afresh.
TEST_F(ExportIncremental, AManifestNamingPathsOutsideOutIsIgnored) {
  Export();
  const fs::path victim = tmp_.path() / "victim.txt";
  WriteFile(victim, "keep me");
  const fs::path manifest = fs::path(out_) / ".pond-export.json";
  auto j = nlohmann::json::parse(ReadFile(manifest));
  j["files"]["../victim.txt"] = {7, 0, 0};
  WriteFile(manifest, j.dump());
  auto r = Export();
  EXPECT_EQ(r["files_written"], r["total_files"]);
  EXPECT_EQ(ReadFile(victim), "keep me");
  ExpectFresh(r);
}

// The tree before the last export stays beside OUT as its spare, sharing the inodes
// of every file unchanged since: a refresh brings it up to date by moving its new
// files in, and then swaps it with OUT; it links nothing and removes nothing.
TEST_F(ExportIncremental, ARefreshFromTheSpareTouchesOnlyWhatChanged) {
  Export();
  Append("a", "2024-06-30 00:00:00", 4, 5.0);
  Export();  // OUT was missing before the first: no spare yet, every kept file linked
  ASSERT_TRUE(fs::is_directory(tmp_.path() / ".out.pond-spare"));
  Append("a", "2024-06-30 01:00:00", 4, 6.0);
  std::vector<std::string> args = ExportArgs(out_);
  args.insert(args.begin(), {"--pond", dir_, "--json"});
  RunResult r = Pond(args, {{"POND_FAULT_AT", "1000000000"}, {"POND_LOG", "debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int> ops;
  static const std::regex point(" write point [0-9]+ \\(([a-z ]+) ");
  for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), point);
       it != std::sregex_iterator(); ++it)
    ++ops[(*it)[1].str()];
  const auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["files_written"], 3);  // a's two last months and its page
  EXPECT_EQ(ops["link"], 0);
  // The new files and the manifest; the spare in and the old OUT out.
  EXPECT_EQ(ops["rename"], 4 + 2);
  // The staging folder alone: each changed month is written straight to its file,
  // with no copy of the computed relation to cut it from (exporter.cc).
  EXPECT_EQ(ops["remove"], 1);
  ExpectFresh(result);
}

// kill -9 at random moments of exports that have changes to write: every file is
// always whole (the next export reads the manifest, finds what the killed one did or
// did not do) and the next export leaves exactly a fresh export's files.
TEST_F(ExportIncremental, KilledExportsAreRepairedByTheNext) {
  Export();
  std::mt19937 rng(20261202);
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // One more hour on both series, and a late reading on every other round.
    const std::string hour = "2024-06-30 0" + std::to_string(round) + ":00:00";
    Append("a", hour, 4, 5.0 + round);
    Append("b", hour, 4, 6.0 + round);
    if (round % 2) Append("a", "2024-0" + std::to_string(1 + round % 5) + "-11 00:05:00", 1, 0.5);
    std::vector<std::string> args = ExportArgs(out_);
    args.insert(args.begin(), {"--pond", dir_, "--quiet"});
    {
      Background killed(args);
      ::usleep(std::uniform_int_distribution<int>(0, 600)(rng) * 1000);
      killed.Kill();
    }
    // Whatever the killed run left, every Parquet file there is readable whole.
    for (const auto& [rel, stamp] : Stamps(out_)) {
      if (!rel.ends_with(".parquet")) continue;
      EXPECT_EQ(ReadFile(fs::path(out_) / rel).substr(0, 4), "PAR1") << rel;
    }
    ExpectFresh(Export());
  }
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(tmp_.path()))
    if (e.path().filename().string().starts_with(".out.pond-staging-"))
      left.insert(e.path().filename().string());
  EXPECT_TRUE(left.empty());
}

}  // namespace
}  // namespace pond::testing
