#include "export/partitioned_copy.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "base/error.h"
#include "factories/sql.h"

namespace pond::exporter {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kUnits = {"year", "month", "day", "hour", "minute"};
constexpr size_t kWindowBytes = size_t{32} << 20;

struct Partition {
  std::optional<int64_t> start_us;          // nullopt: the rows whose timestamp is NULL
  std::string folder;                       // "year=2024/month=7", relative to the output folder
  std::map<std::string, std::string> keys;  // {"year": "2024", "month": "7"}
  int64_t rows = 0;
  std::optional<int64_t> min_us, max_us;  // of its timestamps
};

// Partitions [first, last], read together: a window (through a temp table) or one
// large partition (straight from the source).
struct Task {
  size_t first = 0, last = 0;
  bool window = false;
};

// The partitions present in the source, in time order, NULL last.
std::vector<Partition> CountPartitions(engine::Connection& con, const PartitionedWrite& w) {
  std::string keys;
  for (const auto& k : w.keys) keys += fmt::format(", {}(p) AS {}", k, engine::QuoteIdent(k));
  const engine::Result r = con.Query(
      fmt::format("SELECT epoch_us(p) AS start_us{}, count(*) AS n, epoch_us(min(t)) AS min_us, "
                  "epoch_us(max(t)) AS max_us FROM (SELECT \"timestamp\" AS t, date_trunc('{}', "
                  "\"timestamp\") AS p FROM {}) GROUP BY p ORDER BY p NULLS LAST",
                  keys, w.keys.back(), w.source));
  std::vector<Partition> out;
  for (size_t i = 0; i < r.row_count(); ++i) {
    Partition p;
    if (!r.at(i, "start_us").is_null()) p.start_us = r.at(i, "start_us").as_int();
    for (const auto& k : w.keys) {
      const engine::Value& v = r.at(i, k);
      p.keys[k] = v.is_null() ? std::string("NULL") : std::to_string(v.as_int());
      p.folder += (p.folder.empty() ? "" : "/") + k + "=" + p.keys[k];
    }
    p.rows = r.at(i, "n").as_int();
    if (!r.at(i, "min_us").is_null()) p.min_us = r.at(i, "min_us").as_int();
    if (!r.at(i, "max_us").is_null()) p.max_us = r.at(i, "max_us").as_int();
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Task> PlanTasks(const std::vector<Partition>& parts, int64_t window_rows) {
  std::vector<Task> tasks;
  std::optional<Task> open;
  int64_t open_rows = 0;
  auto close = [&] {
    if (open) tasks.push_back(*open);
    open.reset();
    open_rows = 0;
  };
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].start_us || parts[i].rows >= window_rows) {
      close();
      tasks.push_back(Task{i, i, false});
      continue;
    }
    if (!open) open = Task{i, i, true};
    open->last = i;
    open_rows += parts[i].rows;
    if (open_rows >= window_rows) close();
  }
  close();
  return tasks;
}

// The rows of partitions [first, last]: from the start of `first` to the start of
// the partition after `last` (partitions cover every row, so nothing falls between).
std::string RangeOf(const std::vector<Partition>& parts, size_t first, size_t last) {
  if (!parts[first].start_us) return "\"timestamp\" IS NULL";
  TimeRange range{parts[first].start_us, std::nullopt};
  if (last + 1 < parts.size()) range.end = parts[last + 1].start_us;
  return factories::sql::InRange("\"timestamp\"", range);
}

// Writes one partition's file. Its metadata is the partition's row count and time
// range from the count, and the file's size: as exact as COPY … RETURN_STATS, which
// costs about a millisecond a file, too much for thousands of small files.
engine::WrittenFile CopyPartition(engine::Connection& con, store::Disk& disk,
                                  const std::string& select, const fs::path& dir,
                                  const Partition& p) {
  const fs::path folder = dir / p.folder;
  disk.MakeDirsUnsynced(folder.string());
  const fs::path file = folder / "data_0.parquet";
  disk.ExternalWrite(file.string(), [&] {
    con.Execute(fmt::format("COPY ({}) TO {} (FORMAT parquet)", select,
                            engine::QuoteLiteral(file.string())));
  });
  engine::WrittenFile f;
  f.path = file.string();
  f.rows = p.rows;
  f.bytes = static_cast<int64_t>(fs::file_size(file));
  f.min_ts = p.min_us;
  f.max_ts = p.max_us;
  f.ts_null_count = p.start_us ? 0 : p.rows;
  f.partition_keys = p.keys;
  return f;
}

std::vector<engine::WrittenFile> RunTask(engine::Connection& con, store::Disk& disk,
                                         const PartitionedWrite& w,
                                         const std::vector<Partition>& parts, const Task& task,
                                         size_t index) {
  std::vector<engine::WrittenFile> out;
  if (!task.window) {
    out.push_back(CopyPartition(
        con, disk, "SELECT * FROM " + w.source + " WHERE " + RangeOf(parts, task.first, task.last),
        w.dir, parts[task.first]));
    return out;
  }
  const std::string table = engine::QuoteIdent("__pond_window_" + std::to_string(index));
  con.Execute("CREATE OR REPLACE TEMP TABLE " + table + " AS SELECT * FROM " + w.source +
              " WHERE " + RangeOf(parts, task.first, task.last));
  for (size_t p = task.first; p <= task.last; ++p)
    out.push_back(CopyPartition(
        con, disk, "SELECT * FROM " + table + " WHERE " + RangeOf(parts, p, p), w.dir, parts[p]));
  con.Execute("DROP TABLE " + table);
  return out;
}

}  // namespace

bool IsTimeRangeKeys(const std::vector<std::string>& keys) {
  if (keys == std::vector<std::string>{"year", "quarter"}) return true;
  if (keys.empty() || keys.size() > kUnits.size()) return false;
  return std::equal(keys.begin(), keys.end(), kUnits.begin());
}

std::vector<engine::WrittenFile> WritePartitioned(engine::Connection& con, const Connector& connect,
                                                  store::Disk& disk, const PartitionedWrite& w) {
  if (!IsTimeRangeKeys(w.keys)) throw Error("partition keys are not a time range", w.dir.string());
  const std::vector<Partition> parts = CountPartitions(con, w);
  const int64_t window_rows = std::max<int64_t>(
      1, static_cast<int64_t>(kWindowBytes / (8 * std::max<size_t>(1, w.column_count))));
  const std::vector<Task> tasks = PlanTasks(parts, window_rows);
  if (tasks.empty()) return {};

  engine::ScopedThreads one(con, 1);
  const size_t workers = std::min(static_cast<size_t>(one.previous()), tasks.size());
  std::vector<std::unique_ptr<engine::Connection>> cons;
  for (size_t i = 0; i < workers; ++i) cons.push_back(connect());

  std::vector<std::vector<engine::WrittenFile>> results(tasks.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&](engine::Connection& c) {
    for (size_t i = next++; i < tasks.size() && !failed; i = next++) {
      try {
        results[i] = RunTask(c, disk, w, parts, tasks[i], i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  {
    std::vector<std::thread> running;
    for (size_t i = 1; i < workers; ++i) running.emplace_back(work, std::ref(*cons[i]));
    work(*cons[0]);
    for (auto& t : running) t.join();
  }
  if (error) std::rethrow_exception(error);
  std::vector<engine::WrittenFile> out;
  for (auto& r : results)
    for (auto& f : r) out.push_back(std::move(f));
  return out;
}

}  // namespace pond::exporter
