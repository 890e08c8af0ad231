// Case 13 (issue #17): `pond backup push` of the generated series' pond to a file://
// backup, and `pond restore` of it, against a plain `cp -r` of the pond directory in
// the same run. Both pond sides hash every byte (push checks what it uploads, restore
// what it downloads) and fsync each file; cp does neither, so the target allows 8×:
// at 2M rows (32 MB) the fsyncs are most of the difference (docs/benchmarks.md).
#include <fmt/format.h>

#include "bench.h"

namespace pond::bench {

namespace {

int64_t TreeBytes(const fs::path& dir) {
  int64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += static_cast<int64_t>(e.file_size());
  return total;
}

std::string MbPerSecond(int64_t bytes, double seconds) {
  return fmt::format("{:.0f} MB/s", static_cast<double>(bytes) / 1e6 / seconds);
}

}  // namespace

std::vector<Row> BackupCase(const Bench& b, const DataSet& data) {
  const fs::path backup = b.work / "backup", restored = b.work / "restored", copy = b.work / "copy";
  const std::string url = "file://" + backup.string();
  b.Pond(data.pond_dir, {"backup", "add", "bench", url});
  const int64_t bytes = TreeBytes(data.pond_dir);
  auto push = [&] {
    fs::remove_all(backup);
    return b.Pond(data.pond_dir, {"backup", "push", "bench"});
  };
  auto restore = [&] {
    fs::remove_all(restored);
    return RunChild({b.pond, "restore", url, restored.string()});
  };
  auto cp = [&] {
    fs::remove_all(copy);
    return RunChild({"/bin/cp", "-r", data.pond_dir.string(), copy.string()});
  };
  Progress("13 push");
  auto pushed = Alternate(b.repeat, {push, cp});
  Progress("13 restore");
  auto restores = Alternate(b.repeat, {restore, cp});
  Progress("13 push again");
  auto again = Alternate(b.repeat, {[&] {
                           return b.Pond(data.pond_dir, {"backup", "push", "bench"});
                         }});

  std::vector<Row> rows;
  Row p = SideBySide("13 push", "backup push to file:// vs cp -r of the pond", pushed[0], pushed[1],
                     8.0);
  p.note =
      fmt::format("{} of pond; push {}, cp -r {}", fmt::format("{:.0f} MB", bytes / 1e6),
                  MbPerSecond(bytes, pushed[0].seconds), MbPerSecond(bytes, pushed[1].seconds));
  rows.push_back(p);
  Row r = SideBySide("13 restore", "restore from file:// vs cp -r of the pond", restores[0],
                     restores[1], 8.0);
  r.note = fmt::format("restore {}, cp -r {}", MbPerSecond(bytes, restores[0].seconds),
                       MbPerSecond(bytes, restores[1].seconds));
  rows.push_back(r);
  Row a{"13 again", "backup push with nothing new (list, no upload)"};
  a.ours = again[0].seconds;
  a.bound = Bound::kSeconds;
  a.limit = 1.0;
  a.ours_rss_kib = again[0].max_rss_kib;
  rows.push_back(a);
  fs::remove_all(backup);
  fs::remove_all(restored);
  fs::remove_all(copy);
  return rows;
}

}  // namespace pond::bench
