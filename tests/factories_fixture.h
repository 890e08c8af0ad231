// Shared by tests/factories_*_test.cc: a temporary pond driven through the `pond`
// binary, generated site series, and hand-written reference queries run with the
// engine wrapper directly on the same CSVs.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "engine/duckdb.h"
#include "support/scenario.h"

namespace pond::testing {

// One site's raw readings: 15-minute steps from `start` for `steps` readings, minus
// the readings in [gap_begin, gap_end); every 7th DO value is empty (NULL). Values
// are multiples of 1/8 so sums, and therefore averages, are exact in any order.
struct SiteSeries {
  std::string start;  // `2024-02-27 00:00:00`
  int steps = 0;
  std::string gap_begin, gap_end;
  int seed = 0;
  bool with_conductivity = false;  // adds "Spec Cond.uS/cm": a name with a space
};

inline std::string SiteCsv(const SiteSeries& s) {
  const int64_t start = ParseTimestampText(s.start).value();
  const int64_t gb = s.gap_begin.empty() ? 0 : ParseTimestampText(s.gap_begin).value();
  const int64_t ge = s.gap_end.empty() ? 0 : ParseTimestampText(s.gap_end).value();
  std::string csv = "timestamp,Temperature.C,DO.mg/L";
  csv += s.with_conductivity ? ",Spec Cond.uS/cm\n" : "\n";
  char buf[128];
  for (int i = 0; i < s.steps; ++i) {
    const int64_t t = start + int64_t{i} * 15 * 60 * 1000000;
    if (t >= gb && t < ge) continue;
    const double temp = 10 + ((i * 7 + s.seed) % 37) * 0.25;
    const double dox = 8 + ((i * 3 + s.seed) % 11) * 0.125;
    csv += FormatTimestamp(t) + ",";
    std::snprintf(buf, sizeof buf, "%.3f,", temp);
    csv += buf;
    if (i % 7 != 3) {
      std::snprintf(buf, sizeof buf, "%.3f", dox);
      csv += buf;
    }
    if (s.with_conductivity) {
      std::snprintf(buf, sizeof buf, ",%d", 400 + (i % 13) * 2);
      csv += buf;
    }
    csv += "\n";
  }
  return csv;
}

class FactoryScenario : public ::testing::Test {
 protected:
  // Runs pond on this test's pond under a 60 s limit: a hang fails (exit 124).
  RunResult P(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"60", PondBinary(), "--pond", pond_dir_});
    return pond::testing::Run("timeout", args, env);
  }
  // Runs pond and expects success; returns stdout.
  std::string Ok(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}) {
    RunResult r = P(args, env);
    EXPECT_EQ(r.exit_code, 0) << Joined(args) << "\n" << r.err;
    return r.out;
  }
  // Runs pond and expects the one-line error `pond: error: <message>` and exit 1.
  void Fails(const std::vector<std::string>& args, const std::string& message) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 1) << Joined(args) << "\n" << r.err;
    EXPECT_EQ(r.err, "pond: error: " + message + "\n") << Joined(args);
  }

  std::string Host(const std::string& name, const std::string& text) {
    WriteFile(tmp_.path() / name, text);
    return tmp_ / name;
  }
  void Init() { Ok({"init"}); }
  // Writes `csv` as host file `name` and copies it into the pond as a series.
  void CopySeries(const std::string& name, const std::string& csv, const std::string& pond_path) {
    if (ParentOf(pond_path) != "") Ok({"mkdir", "-p", ParentOf(pond_path)});
    Ok({"copy", Host(name, csv), pond_path, "--format", "series"});
  }
  void Mknod(const std::string& factory, const std::string& path, const std::string& yaml,
             std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"mknod", factory, path, "--config", Host(ConfigName(path), yaml)};
    args.insert(args.end(), extra.begin(), extra.end());
    Ok(args);
  }
  static std::string ConfigName(const std::string& path) {
    std::string name = path.substr(1);
    for (char& c : name)
      if (c == '/') c = '_';
    return name + ".yaml";
  }
  // `pond cat PATH --format csv --sql Q`.
  std::string CatCsv(const std::string& path, const std::string& sql) {
    return Ok({"cat", path, "--format", "csv", "--sql", sql});
  }

  // `read_csv(...)` of a host file written by Host(), for reference queries.
  std::string Csv(const std::string& name) {
    return "read_csv(" + engine::QuoteLiteral(tmp_ / name) + ", header = true)";
  }
  // Runs a hand-written query with the engine wrapper and returns it as DuckDB's
  // CSV writer prints it, which is also what `pond cat --format csv` uses.
  std::string Reference(const std::string& query) {
    engine::Database db;
    engine::Connection con(db);
    const std::string out = tmp_ / "reference.csv";
    con.Execute("COPY (" + query + ") TO " + engine::QuoteLiteral(out) +
                " (FORMAT csv, HEADER true)");
    return ReadFile(out);
  }

  // The pond's blob files, one per line: with `pond log`, what a refused command
  // must leave as it was.
  std::string Blobs() const {
    std::set<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(pond_dir_ + "/blobs"))
      if (e.is_regular_file()) files.insert(e.path().string());
    std::string out;
    for (const auto& f : files) out += f + "\n";
    return out;
  }

  static std::string Joined(const std::vector<std::string>& args) {
    std::string s = "pond";
    for (const auto& a : args) s += " " + a;
    return s;
  }
  static size_t Lines(const std::string& text) {
    size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
  }

  TempDir tmp_;
  std::string pond_dir_ = tmp_ / "pond";

 private:
  static std::string ParentOf(const std::string& path) { return path.substr(0, path.rfind('/')); }
};

}  // namespace pond::testing
