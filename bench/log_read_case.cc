// Case 20 (issue #33): reading an append-only log (file:log) after thousands of hourly
// appends against the same bytes stored as one version, in the same run. The appends
// are merged by the store's tiered policy as they come (docs/append-only.md), so the
// read opens a handful of blobs, not one per hour.
#include <fmt/format.h>

#include <fstream>

#include "base/error.h"
#include "bench.h"

namespace pond::bench {

namespace {

constexpr int kAppends = 2000;
constexpr size_t kAppendBytes = 4096;

// The host log after `appends` appends: lines of text, `kAppendBytes` an hour.
void GrowLog(const fs::path& path, int hour) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  std::string chunk;
  for (int line = 0; chunk.size() < kAppendBytes; ++line)
    chunk += fmt::format("{{\"hour\":{},\"line\":{},\"value\":{}}}\n", hour, line,
                         (hour * 31 + line) % 997);
  chunk.resize(kAppendBytes - 1);
  chunk += '\n';
  out << chunk;
}

}  // namespace

std::vector<Row> LogReadCase(const Bench& b) {
  Progress(fmt::format("20 file:log read after {} appends", kAppends));
  const fs::path host = b.work / "hourly.log";
  const fs::path appended = b.work / "log-appended", whole = b.work / "log-whole";
  fs::remove(host);
  // One transaction an hour, as logfile-ingest makes them.
  for (int hour = 0; hour < kAppends; ++hour) {
    GrowLog(host, hour);
    const int64_t size = static_cast<int64_t>(fs::file_size(host));
    CommitFixture(appended, "append", hour == 0, [&](store::Transaction& txn) {
      txn.AppendData("/hourly.log", host.string(), size);
    });
  }
  const int64_t size = static_cast<int64_t>(fs::file_size(host));
  CommitFixture(whole, "whole", true, [&](store::Transaction& txn) {
    txn.AppendData("/hourly.log", host.string(), size);
  });
  size_t blobs = 0;
  {
    auto pond = store::Pond::OpenRead(appended.string());
    blobs = pond->DataPieces(pond->Get("/hourly.log")).size();
  }
  const fs::path out_a = b.work / "read-appended", out_w = b.work / "read-whole";
  Side ours = [&] { return b.Pond(appended, {"cat", "/hourly.log"}, {}, out_a.string()); };
  Side reference = [&] { return b.Pond(whole, {"cat", "/hourly.log"}, {}, out_w.string()); };
  auto t = Alternate(b.repeat, {ours, reference});
  if (fs::file_size(out_a) != static_cast<uintmax_t>(size) ||
      fs::file_size(out_w) != static_cast<uintmax_t>(size))
    throw Error("a read did not return the whole log", "case 20");
  Row row = SideBySide("20", fmt::format("file:log read after {} hourly appends vs one version",
                                         kAppends),
                       t[0], t[1], 1.5);
  row.note = fmt::format("{:.1f} MB in {} blobs after the tiered merges", size / 1e6, blobs);
  if (!b.keep)
    for (const auto& p : {appended, whole}) fs::remove_all(p);
  return {row};
}

}  // namespace pond::bench
