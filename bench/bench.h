// What every benchmark case shares: the programs under test, the run's temp
// folder, the generated data, and the one way both sides are timed (alternating
// child processes, median of `repeat` runs).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "child_run.h"
#include "report.h"
#include "store/pond.h"

namespace pond::bench {

namespace fs = std::filesystem;

struct Bench {
  std::string pond;    // the pond binary
  std::string self;    // this program: the reference's SQL runs in a child of it
  std::string oracle;  // the tera-oracle binary; empty when it is not built
  std::string source_dir;
  fs::path work;       // this run's temp folder
  long long rows = 0;  // rows of the generated series
  int repeat = 3;
  bool keep = false;  // --keep: leave the cases' ponds for a look after the run

  // `pond --pond <pond_dir> args…` with stdout to `stdout_path`.
  ChildRun Pond(const fs::path& pond_dir, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {},
                const std::string& stdout_path = "/dev/null") const;
  // The statements, one after another, on a fresh in-memory DuckDB in a child of
  // this program (`pond_bench run-sql FILE`), with the session set up as pond's.
  ChildRun Sql(const std::vector<std::string>& statements) const;
};

// The generated series: CSV on the host, then stored in a pond as /raw/s.series.
struct DataSet {
  fs::path csv;
  std::vector<std::string> value_columns;  // the 6 DOUBLE columns
  fs::path pond_dir;                       // pond holding /raw/s.series
  fs::path blob;                           // its one Parquet blob (the series' rows)
};

// One side of a comparison: a function that prepares (untimed) and runs (timed)
// one child process. Alternate runs each side in turn, `repeat` rounds, and gives
// per side the median and the fastest wall time and the largest peak RSS.
using Side = std::function<ChildRun()>;
struct Timing {
  double seconds = 0;  // median
  double fastest = 0;  // noise on a shared machine only adds: for near-equal sides
  long max_rss_kib = 0;
};
std::vector<Timing> Alternate(int repeat, const std::vector<Side>& sides);

// A case measured side by side: ours against the reference, ratio within `limit`.
Row SideBySide(std::string id, std::string name, const Timing& ours, const Timing& reference,
               double limit);

// Progress on stderr: `bench: <what>`.
void Progress(const std::string& what);

// Fixtures (fixtures.cc).
// Writes the series as CSV (15-minute readings from 2020-01-01, 6 DOUBLE columns).
DataSet GenerateCsv(const Bench& b);
// The series' one Parquet blob in the pond (the only *.parquet under blobs/).
fs::path SeriesBlob(const fs::path& pond_dir);
// sha256 of every file an export wrote under `dir` (its manifest left out), by path
// relative to `dir`.
std::map<std::string, std::string> ExportedFileHashes(const fs::path& dir);
// One transaction on the pond at `dir` (created first when `init`): `fill` writes,
// then it commits as `pond_bench <what>`. No fsync: a fixture has no power cut to
// survive.
void CommitFixture(const fs::path& dir, const std::string& what, bool init,
                   const std::function<void(store::Transaction&)>& fill);

// A new bare repository at `origin` (git fast-import), branch main: one commit of the
// host `files`, each at its repository path (git_cases.cc).
void CommitToNewRepository(const Bench& b, const fs::path& origin,
                           const std::vector<std::pair<std::string, fs::path>>& files);

// The hourly cycle's pond (export_cycle_case.cc): 10 sites of two instruments with
// 15-minute readings for `years` from 2018, joined per site (/combined) and reduced
// to 1h/6h/1d (/reduced/Site<k>/res=…), with page templates; at b.work/<name>-<years>y.
fs::path BuildCyclePond(const Bench& b, int years, const std::string& name);
// One more hour (4 readings, the `hour`-th after the history) on every instrument,
// the collector's commit; its seconds.
double AppendCycleHour(const fs::path& dir, int years, int hour);

// Cases, each returning its rows.
std::vector<Row> IngestCase(const Bench& b, DataSet& data);        // 1 (leaves data.pond_dir)
std::vector<Row> ReduceCase(const Bench& b, const DataSet& data);  // 2
std::vector<Row> ExportCase(const Bench& b, const DataSet& data);  // 3, 4, 7
std::vector<Row> RenderCase(const Bench& b);                       // 5
std::vector<Row> SmallCommandsCase(const Bench& b);                // 6
std::vector<Row> CatalogGrowthCase(const Bench& b);                // 8
std::vector<Row> WriterDuringExportCase(const Bench& b, const DataSet& data);  // 9
std::vector<Row> ManyVersionsCase(const Bench& b);                             // 10
std::vector<Row> CollectorYearCase(const Bench& b);                            // 11
std::vector<Row> VerifiedReadsCase(const Bench& b, const DataSet& data);       // 12
std::vector<Row> BackupCase(const Bench& b, const DataSet& data);              // 13
std::vector<Row> ReduceRefreshCase(const Bench& b);                            // 14
std::vector<Row> ExportCycleCase(const Bench& b);                              // 15
std::vector<Row> ExcelHtmlCase(const Bench& b);                                // 16
std::vector<Row> OtlpReduceCase(const Bench& b);                               // 17
std::vector<Row> LogAppendCase(const Bench& b);                                // 18
std::vector<Row> WaterCycleCase(const Bench& b);                               // 19
std::vector<Row> LogReadCase(const Bench& b);                                  // 20
std::vector<Row> GitListCase(const Bench& b);                                  // 21
std::vector<Row> GitPullCase(const Bench& b);                                  // 22
std::vector<Row> GitReduceCase(const Bench& b);                                // 23
std::vector<Row> MarkdownPagesCase(const Bench& b);                            // 24
std::vector<Row> SiteCycleCase(const Bench& b);                                // 25

}  // namespace pond::bench
