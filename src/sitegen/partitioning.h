// How sitegen partitions an export stage in time (docs/sitegen.md, "Exports"): a
// series with a resolution (`res=1h` captured in its pattern) is split so that a chart
// window of `resolution × target_points` spans at most two files, with as few rows a
// file as that allows; one without a resolution, by year.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pond::sitegen {

// The Hive keys of the partitions: {"year"}, {"year", "quarter"}, {"year", "month"},
// … down to {"year", "month", "day", "hour", "minute"}. The smallest unit whose
// shortest length (a month 28 days, a quarter 90, a year 365) is at least the window.
std::vector<std::string> TemporalKeys(std::optional<int64_t> resolution_us, int64_t target_points);

// The resolution a `res=` capture names ("1m", "10m", "1h", "6h", "1d", "1w", "24h",
// "30s"), in µs; nullopt for text that is not one.
std::optional<int64_t> ResolutionOf(const std::string& capture);

}  // namespace pond::sitegen
