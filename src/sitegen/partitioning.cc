#include "sitegen/partitioning.h"

#include <cctype>

namespace pond::sitegen {

namespace {

constexpr int64_t kSecond = 1'000'000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                  kDay = 24 * kHour;

}  // namespace

std::vector<std::string> TemporalKeys(std::optional<int64_t> resolution_us, int64_t target_points) {
  if (!resolution_us || *resolution_us <= 0 || target_points <= 0) return {"year"};
  // A window no longer than the partitions meets at most two of them.
  const __int128 window = static_cast<__int128>(*resolution_us) * target_points;
  if (window <= kMinute) return {"year", "month", "day", "hour", "minute"};
  if (window <= kHour) return {"year", "month", "day", "hour"};
  if (window <= kDay) return {"year", "month", "day"};
  if (window <= 28 * kDay) return {"year", "month"};
  if (window <= 90 * kDay) return {"year", "quarter"};
  return {"year"};
}

std::optional<int64_t> ResolutionOf(const std::string& capture) {
  size_t i = 0;
  int64_t n = 0;
  while (i < capture.size() && std::isdigit(static_cast<unsigned char>(capture[i])) && n < 1'000'000)
    n = n * 10 + (capture[i++] - '0');
  if (i == 0 || n == 0 || i + 1 != capture.size()) return std::nullopt;
  switch (capture[i]) {
    case 's': return n * kSecond;
    case 'm': return n * kMinute;
    case 'h': return n * kHour;
    case 'd': return n * kDay;
    case 'w': return n * 7 * kDay;
    default: return std::nullopt;
  }
}

}  // namespace pond::sitegen
