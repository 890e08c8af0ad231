// Case 18 (issue #33): a 1 GB active log with 1 MB appended. `pond run /etc/ingest`
// (logfile-ingest) after the collector added 1 MB to a 1 GB host log the pond already
// mirrors, against Debian's `b3sum` of that host file in the same run: before it
// stores the new bytes the run proves the pond's copy is still the file's prefix, a
// BLAKE3 pass over the gigabyte, so b3sum is its floor. Then the same run on a pond
// with history (the log appended to 1,000 times before, 365 rotated logs beside it)
// against the run on the pond without: nothing but that pass should cost. Each side's
// answer is checked: the pond's BLAKE3 is b3sum's, and the copy with history, read
// back, hashes to it too.
#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "base/error.h"
#include "bench.h"
#include "store/disk.h"
#include "support/water_pond.h"

namespace pond::bench {

namespace {

constexpr int64_t kGiB = int64_t{1} << 30, kMiB = int64_t{1} << 20;
constexpr int kEarlierAppends = 1000;
constexpr int kRotatedLogs = 365;

// Appends the collector's lines from `next` on to `path`, whole lines, until at least
// `bytes` more are written.
void AppendLines(const fs::path& path, const testing::OtlpGauges& spec, int64_t& next,
                 int64_t bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  for (int64_t written = 0; written < bytes; ++next) {
    const std::string line = testing::OtlpLine(spec, next) + "\n";
    out << line;
    written += static_cast<int64_t>(line.size());
  }
  if (!out) throw Error("cannot write", path.string());
}

// Appends bytes [from, to) of `source` to `path`.
void CopyRange(const fs::path& source, int64_t from, int64_t to, const fs::path& path) {
  std::ifstream in(source, std::ios::binary);
  std::ofstream out(path, std::ios::binary | std::ios::app);
  in.seekg(from);
  std::string buffer(kMiB, '\0');
  for (int64_t left = to - from; left > 0;) {
    const int64_t n = std::min<int64_t>(left, kMiB);
    if (!in.read(buffer.data(), n) || !out.write(buffer.data(), n))
      throw Error("cannot copy", source.string());
    left -= n;
  }
}

// The host log as a collector leaves it: written long ago, in the page cache because the
// last run read it. Pages a process has just written make reads that copy them on one
// core while the other hashes run at half speed for ~20 s on this VM (sys time 0.65 s
// instead of 0.25 s; pages read from disk do not): they are written back, dropped and
// read again.
void Settle(const fs::path& path) {
  ::sync();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read", path.string());
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  std::string buffer(kMiB, '\0');
  while (in.read(buffer.data(), kMiB) || in.gcount() > 0) {
  }
}

std::string IngestConfig(const fs::path& logs) {
  return fmt::format(
      "archived_pattern: {0}/app-*.json\nactive_pattern: {0}/app.json\n"
      "pond_path: /ingest\n",
      logs.string());
}

// A pond mirroring `logs`, whose active app.json is the host's as it is now.
void MakePond(const Bench& b, const fs::path& dir, const fs::path& logs) {
  CommitFixture(dir, "node", true, [&](store::Transaction& txn) {
    txn.Mkdir("/etc", false);
    txn.Mknod("/etc/ingest", "logfile-ingest", IngestConfig(logs), false);
  });
  b.Pond(dir, {"run", "/etc/ingest"});
}

// The hash b3sum prints for `file` (its first word).
std::string B3sum(const Bench& b, const fs::path& file) {
  const fs::path out = b.work / "b3sum.txt";
  RunChild({"/usr/bin/b3sum", file.string()}, {}, out.string());
  std::ifstream in(out);
  std::string hash;
  in >> hash;
  return hash;
}

// The hash the pond records for /ingest/app.json (`pond run /etc/ingest b3sum`).
std::string PondB3sum(const Bench& b, const fs::path& dir) {
  const fs::path out = b.work / "pond-b3sum.txt";
  b.Pond(dir, {"run", "/etc/ingest", "b3sum"}, {}, out.string());
  std::ifstream in(out);
  for (std::string hash, name; in >> hash >> name;)
    if (name == "app.json") return hash;
  throw Error("no app.json in b3sum", dir.string());
}

}  // namespace

std::vector<Row> LogAppendCase(const Bench& b) {
  if (!fs::exists("/usr/bin/b3sum")) {
    Row row{"18", "pond run after +1 MB on a 1 GB log (vs b3sum)"};
    row.skipped = "no /usr/bin/b3sum (Debian package b3sum)";
    return {row};
  }
  Progress("18 a 1 GB active log with 1 MB appended: pond run vs b3sum");
  const testing::OtlpGauges spec = testing::water::Telemetry(1704067200'000000, 0);
  const fs::path fresh_logs = b.work / "log-fresh", hist_logs = b.work / "log-history";
  const fs::path fresh_pond = b.work / "log-fresh-pond", hist_pond = b.work / "log-history-pond";
  fs::create_directories(fresh_logs);
  fs::create_directories(hist_logs);
  const fs::path fresh = fresh_logs / "app.json", hist = hist_logs / "app.json";
  int64_t fresh_next = 0;
  AppendLines(fresh, spec, fresh_next, kGiB);
  const int64_t size = static_cast<int64_t>(fs::file_size(fresh));
  MakePond(b, fresh_pond, fresh_logs);

  // The same log, appended to a line at a time before it reached its size, beside a
  // year of daily rotated logs.
  Progress(fmt::format("18 history: {} appends, {} rotated logs", kEarlierAppends, kRotatedLogs));
  int64_t hist_next = 0;
  for (int d = 0; d < kRotatedLogs; ++d)
    AppendLines(hist_logs / fmt::format("app-{:03}.json", d), spec, hist_next, 8 * 1024);
  hist_next = 0;
  AppendLines(hist, spec, hist_next, 1);
  MakePond(b, hist_pond, hist_logs);
  {
    store::NoSyncDisk disk;  // a fixture: no power cut to survive
    auto pond = store::Pond::OpenWrite(hist_pond.string(), &disk);
    for (int i = 1; i < kEarlierAppends; ++i) {
      AppendLines(hist, spec, hist_next, 1);
      auto txn = pond->Begin({"pond_bench", "append"}, {});
      txn->AppendData("/ingest/app.json", hist.string(), static_cast<int64_t>(fs::file_size(hist)));
      txn->Commit();
    }
  }
  CopyRange(fresh, static_cast<int64_t>(fs::file_size(hist)), size, hist);
  hist_next = fresh_next;
  b.Pond(hist_pond, {"run", "/etc/ingest"});
  Settle(fresh);
  Settle(hist);

  const auto appended = [&](const fs::path& dir, const fs::path& log, int64_t& next) {
    AppendLines(log, spec, next, kMiB);
    return b.Pond(dir, {"run", "/etc/ingest"});
  };
  const auto t = Alternate(b.repeat, {[&] {
                                        return RunChild({"/usr/bin/b3sum", fresh.string()});
                                      },
                                      [&] { return appended(fresh_pond, fresh, fresh_next); },
                                      [&] { return appended(hist_pond, hist, hist_next); }});

  // The answers: each pond records b3sum's hash of its host log, and the copy with
  // history (a thousand small pieces merged, a gigabyte appended) reads back as it.
  const std::string fresh_hash = B3sum(b, fresh), hist_hash = B3sum(b, hist);
  if (PondB3sum(b, fresh_pond) != fresh_hash || PondB3sum(b, hist_pond) != hist_hash)
    throw Error("the pond's BLAKE3 of app.json is not b3sum's", "case 18");
  const fs::path copy = b.work / "log-copy.json";
  b.Pond(hist_pond, {"cat", "/ingest/app.json"}, {}, copy.string());
  const bool same = B3sum(b, copy) == hist_hash;
  fs::remove(copy);
  if (!same) throw Error("the copy with history does not read back as the host log", "case 18");

  std::vector<Row> rows;
  rows.push_back(SideBySide("18", "pond run after +1 MB on a 1 GB log (vs b3sum of the host file)",
                            t[1], t[0], 1.5));
  rows.back().note = fmt::format("{:.0f} MB log; b3sum peak RSS {}", size / 1e6,
                                 FormatKib(static_cast<double>(t[0].max_rss_kib)));
  rows.push_back(SideBySide("18 history",
                            fmt::format("that run after {} appends, beside {} rotated logs (vs "
                                        "without history)",
                                        kEarlierAppends, kRotatedLogs),
                            t[2], t[1], 1.1));
  rows.back().note =
      fmt::format("fastest {} vs {}", FormatSeconds(t[2].fastest), FormatSeconds(t[1].fastest));
  if (!b.keep) {
    for (const auto& d : {fresh_logs, hist_logs, fresh_pond, hist_pond}) fs::remove_all(d);
  }
  return rows;
}

}  // namespace pond::bench
