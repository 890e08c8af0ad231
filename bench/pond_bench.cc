// pond_bench: DuckPond against the reference it should keep up with, measured side
// by side in the same run (issue #9; how to run: README "Benchmarks").
//
//   pond_bench [--rows N] [--repeat R] [--only 1,3] [--json] [--keep]
//   pond_bench run-sql FILE     (internal: the reference side's child process)
//   pond_bench run-format FORMAT INPUT OUTPUT   (internal: an input format's side)
//
// Each case runs our side and the reference alternately, each in a child process,
// and reports median wall times, their ratio (ours / reference), the target and our
// peak RSS. A missed target is marked MISS; the exit status is 0 all the same.
#include <fmt/format.h>
#include <stdlib.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"
#include "formats/format.h"

namespace pond::bench {

namespace {

// Runs FILE's statements (one a line) on an in-memory DuckDB, as pond's own
// connection is set up (engine::Connection: TimeZone UTC, default threads).
int RunSql(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read", file);
  engine::Database db;
  engine::Connection con(db);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) con.Execute(line);
  return 0;
}

// Reads the host file INPUT as FORMAT (formats::WriteParquet, uncompressed, no
// options) into the Parquet file OUTPUT, on an in-memory DuckDB.
int RunFormat(const std::string& word, const std::string& input, const std::string& output) {
  const auto format = formats::FormatNamed(word);
  if (!format) throw UsageError("unknown format", word);
  engine::Database db;
  engine::Connection con(db);
  formats::WriteParquet(con, *format, formats::Compression::kNone, {}, input, output, input);
  return 0;
}

std::string Machine() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return fmt::format("{} cores, {}", std::thread::hardware_concurrency(), model);
}

constexpr int kCases = 25;

std::set<int> ParseOnly(const std::string& spec) {
  std::set<int> cases;
  std::stringstream ss(spec);
  for (std::string item; std::getline(ss, item, ',');) {
    int n = 0;
    try {
      n = std::stoi(item);
    } catch (const std::exception&) {
      n = 0;
    }
    if (n < 1 || n > kCases)
      throw UsageError(fmt::format("cases are numbered 1 to {}", kCases), "--only " + spec);
    cases.insert(n);
  }
  return cases;
}

int Main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "run-sql") return RunSql(argv[2]);
  if (argc == 5 && std::string(argv[1]) == "run-format")
    return RunFormat(argv[2], argv[3], argv[4]);
  if (argc >= 2 && std::string(argv[1]) == "measure") return MeasureMain(argc, argv);

  CLI::App app{"DuckPond benchmarks: pond against DuckDB and Tera, side by side"};
  long long rows = 20'000'000;
  int repeat = 3;
  std::string only, pond = POND_BINARY, oracle = TERA_ORACLE;
  bool json = false, keep = false;
  app.add_option("--rows", rows, "rows of the generated 15-minute series")
      ->check(CLI::PositiveNumber);
  app.add_option("--repeat", repeat, "timed runs of each side (the median is reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--only", only, "comma-separated case numbers (1-23)");
  app.add_option("--pond", pond, "the pond binary");
  app.add_option("--tera-oracle", oracle, "the tera-oracle binary (case 5 is skipped without it)");
  app.add_flag("--json", json, "print the results as JSON instead of a table");
  app.add_flag("--keep", keep, "keep the temporary folder");
  CLI11_PARSE(app, argc, argv);
  std::set<int> every;
  for (int c = 1; c <= kCases; ++c) every.insert(c);
  const std::set<int> cases = only.empty() ? every : ParseOnly(only);
  auto want = [&](std::initializer_list<int> any) {
    for (int c : any)
      if (cases.count(c)) return true;
    return false;
  };

  std::string work_template =
      (std::filesystem::temp_directory_path() / "pond-bench-XXXXXX").string();
  if (!::mkdtemp(work_template.data()))
    throw Error("cannot create a temporary folder", work_template);
  Bench b{pond,
          fs::canonical("/proc/self/exe").string(),
          oracle,
          POND_SOURCE_DIR,
          fs::path(work_template),
          rows,
          repeat,
          keep};
  Report report;
  for (int i = 0; i < argc; ++i) report.command += (i ? " " : "") + std::string(argv[i]);
  report.machine = Machine();
  report.bench_rows = rows;
  report.repeat = repeat;
  auto add = [&](const std::vector<Row>& rows) {
    for (const auto& r : rows)
      if (cases.count(std::stoi(r.id))) report.rows.push_back(r);
  };
  try {
    if (want({1, 2, 3, 4, 7, 9, 12, 13})) {
      Progress(fmt::format("generating {} rows in {}", rows, b.work.string()));
      DataSet data = GenerateCsv(b);
      if (cases.count(1)) {
        add(IngestCase(b, data));
      } else {  // the later cases need the series in a pond
        Bench once = b;
        once.repeat = 1;
        IngestCase(once, data);
      }
      fs::remove(data.csv);
      if (want({2})) add(ReduceCase(b, data));
      if (want({3, 4, 7})) add(ExportCase(b, data));
      if (want({9})) add(WriterDuringExportCase(b, data));
      if (want({12})) add(VerifiedReadsCase(b, data));
      if (want({13})) add(BackupCase(b, data));
    }
    if (want({5})) add(RenderCase(b));
    if (want({6})) add(SmallCommandsCase(b));
    if (want({8})) add(CatalogGrowthCase(b));
    if (want({10})) add(ManyVersionsCase(b));
    if (want({11})) add(CollectorYearCase(b));
    if (want({14})) add(ReduceRefreshCase(b));
    if (want({15})) add(ExportCycleCase(b));
    if (want({16})) add(ExcelHtmlCase(b));
    if (want({17})) add(OtlpReduceCase(b));
    if (want({18})) add(LogAppendCase(b));
    if (want({19})) add(WaterCycleCase(b));
    if (want({20})) add(LogReadCase(b));
    if (want({21})) add(GitListCase(b));
    if (want({22})) add(GitPullCase(b));
    if (want({23})) add(GitReduceCase(b));
    if (want({24})) add(MarkdownPagesCase(b));
    if (want({25})) add(SiteCycleCase(b));
  } catch (...) {
    if (!keep) fs::remove_all(b.work);
    throw;
  }
  if (keep)
    Progress("kept " + b.work.string());
  else
    fs::remove_all(b.work);
  if (json)
    std::printf("%s\n", ToJson(report).dump(2).c_str());
  else
    std::printf("\n%s", FormatTable(report).c_str());
  return 0;
}

}  // namespace

}  // namespace pond::bench

int main(int argc, char** argv) {
  try {
    return pond::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pond_bench: error: %s\n", e.what());
    return 1;
  }
}
