// Cases 8 and 9: what the SQLite catalog promises a pond that lives for years
// (issue "the catalog on SQLite"): its size after many tiny transactions, and a
// writer that commits during a long export without waiting for it.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "bench.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::bench {

namespace {

constexpr int kTransactions = 10'000;

int64_t CatalogBytes(const fs::path& dir) {
  int64_t bytes = 0;
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal"}) {
    std::error_code ec;
    auto n = fs::file_size(dir / f, ec);
    if (!ec) bytes += static_cast<int64_t>(n);
  }
  return bytes;
}

}  // namespace

// An hourly collector's catalog: 10,000 transactions, each adding one small version
// (a reading's worth of bytes) to one of two nodes, in process through the store,
// each committed with SQLite's fsync as every real one is.
std::vector<Row> CatalogGrowthCase(const Bench& b) {
  Progress(fmt::format("8 catalog size after {} transactions", kTransactions));
  const fs::path dir = b.work / "growth-pond";
  store::Pond::Init(dir.string(), {"pond_bench"}, {});
  const int64_t fresh = CatalogBytes(dir);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTransactions; ++i) {
    auto pond = store::Pond::OpenWrite(dir.string());
    auto txn = pond->Begin({"pond", "copy", "reading.csv", fmt::format("/device{}.csv", i % 2)},
                           {});
    txn->WriteData(fmt::format("/device{}.csv", i % 2),
                   fmt::format("timestamp,value\n2024-01-01 {:02d}:00:00,{}\n", i % 24, i));
    txn->Commit();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t bytes = CatalogBytes(dir);
  Row row{"8", fmt::format("catalog bytes after {} small transactions", kTransactions)};
  row.ours = static_cast<double>(bytes) / 1024;
  row.bound = Bound::kMemoryKib;
  row.limit = 10 * 1024;
  row.note = fmt::format("{:.0f} bytes/transaction (fresh catalog {} bytes); {:.1f} ms/transaction",
                         static_cast<double>(bytes - fresh) / kTransactions, fresh,
                         seconds * 1e3 / kTransactions);
  fs::remove_all(dir);
  return {row};
}

// A writer (`pond mkdir`) started one second into an export of the whole series, timed
// against the export itself: a writer that waited for the reader would take as long.
std::vector<Row> WriterDuringExportCase(const Bench& b, const DataSet& data) {
  Progress("9 a writer during the export");
  const fs::path out = b.work / "export-during-writes";
  std::vector<double> latencies, idle, exports;
  for (int i = 0; i < b.repeat; ++i) {
    idle.push_back(b.Pond(data.pond_dir, {"mkdir", fmt::format("/idle{}", i)}).seconds);
    fs::remove_all(out);
    ChildRun exported;
    std::thread exporter([&] {
      exported = b.Pond(data.pond_dir, {"export", "--pattern", "/raw/s.series", "--dir",
                                        out.string(), "--temporal", "year,month"});
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    latencies.push_back(b.Pond(data.pond_dir, {"mkdir", fmt::format("/during{}", i)}).seconds);
    exporter.join();
    exports.push_back(exported.seconds);
  }
  fs::remove_all(out);
  Row row{"9", "pond mkdir during an export of the series (vs that export)"};
  row.ours = Median(latencies);
  row.reference = Median(exports);
  row.limit = 0.1;
  row.note = fmt::format("the same mkdir with nothing running: {}", FormatSeconds(Median(idle)));
  return {row};
}

}  // namespace pond::bench
