// The generated data every data case reads: a 15-minute series with six DOUBLE
// columns named as HydroVu names them, written once per run by DuckDB itself.
#include <fmt/format.h>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"
#include "store/blob_store.h"
#include "store/disk.h"

namespace pond::bench {

DataSet GenerateCsv(const Bench& b) {
  DataSet data;
  data.csv = b.work / "series.csv";
  // name → a plausible reading: a daily cycle, a slow drift and noise.
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"AT500_Surface.Temperature.C", "15 + 5 * sin(i / 96 * 2 * pi()) + random()"},
      {"AT500_Surface.DO.mg/L", "8 + 2 * cos(i / 96 * 2 * pi()) + random()"},
      {"AT500_Surface.pH.pH", "7.5 + 0.3 * random()"},
      {"AT500_Surface.Salinity.psu", "30 + 3 * sin(i / 2976 * 2 * pi()) + random()"},
      {"AT500_Surface.Turbidity.NTU", "5 * random() * random()"},
      {"AT500_Surface.Depth.m", "2 + sin(i / 49.7 * 2 * pi())"},
  };
  std::string select = "TIMESTAMP '2020-01-01' + to_minutes(i * 15) AS \"timestamp\"";
  for (const auto& [name, expr] : columns) {
    select += fmt::format(", round({}, 3) AS {}", expr, engine::QuoteIdent(name));
    data.value_columns.push_back(name);
  }
  engine::Database db;
  engine::Connection con(db);
  con.Execute(fmt::format("COPY (SELECT {} FROM range({}) AS r(i)) TO {} (FORMAT csv, HEADER true)",
                          select, b.rows, engine::QuoteLiteral(data.csv.string())));
  return data;
}

fs::path SeriesBlob(const fs::path& pond_dir) {
  std::vector<fs::path> found;
  for (const auto& e : fs::recursive_directory_iterator(pond_dir / "blobs"))
    if (e.is_regular_file() && e.path().extension() == ".parquet") found.push_back(e.path());
  if (found.size() != 1)
    throw Error("expected one Parquet blob, found " + std::to_string(found.size()),
                pond_dir.string());
  return found[0];
}

std::map<std::string, std::string> ExportedFileHashes(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != ".pond-export.json")
      out[fs::relative(e.path(), dir).string()] = store::Sha256OfFile(e.path().string());
  return out;
}

void CommitFixture(const fs::path& dir, const std::string& what, bool init,
                   const std::function<void(store::Transaction&)>& fill) {
  store::NoSyncDisk disk;
  if (init) store::Pond::Init(dir.string(), {"pond_bench"}, {}, &disk);
  auto pond = store::Pond::OpenWrite(dir.string(), &disk);
  auto txn = pond->Begin({"pond_bench", what}, {});
  fill(*txn);
  txn->Commit();
}

}  // namespace pond::bench
