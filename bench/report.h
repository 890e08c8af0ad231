// The benchmark's results: one row per measured quantity, each with its target,
// printed as an aligned table (misses marked MISS) or as JSON.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pond::bench {

// What a row's target bounds: ours / reference, or our own time or memory.
// kSizeRatio: KiB, ratio; kCountRatio: counts (files), ratio.
enum class Bound { kRatio, kSeconds, kMemoryKib, kSizeRatio, kCountRatio };

struct Row {
  Row(std::string id_, std::string name_) : id(std::move(id_)), name(std::move(name_)) {}

  std::string id;    // "1", "2 1h", …: the case of the issue it measures
  std::string name;  // what is measured
  // Our figure and the reference's, measured in the same run: seconds, or KiB for
  // kMemoryKib rows. No reference for absolute targets.
  double ours = 0;
  std::optional<double> reference;
  Bound bound = Bound::kRatio;
  double limit = 0;                  // ratio ≤ limit, or ours < limit
  std::optional<long> ours_rss_kib;  // peak RSS of our run
  std::string note;                  // extra figures: rows/s, DuckDB's own ratios, …
  std::string skipped;               // non-empty: why this row was not measured

  std::optional<double> ratio() const;
  bool met() const;
};

struct Report {
  std::vector<Row> rows;
  std::string command;  // how the run was started
  std::string machine;  // cores and CPU model
  long long bench_rows = 0;
  int repeat = 0;
};

// The aligned table, one line per row, misses marked MISS, then a summary line.
std::string FormatTable(const Report& report);
nlohmann::json ToJson(const Report& report);

// 1.23 s, 45.6 ms, 789 µs.
std::string FormatSeconds(double seconds);
// 123.4 MiB.
std::string FormatKib(double kib);

}  // namespace pond::bench
