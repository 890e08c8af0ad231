// sitegen's time partitioning: a chart window of resolution × target_points spans at
// most two files.
#include "sitegen/partitioning.h"

#include <gtest/gtest.h>

namespace pond::sitegen {
namespace {

using Keys = std::vector<std::string>;

TEST(Partitioning, TheWindowFitsInOnePartition) {
  auto keys = [](const std::string& res, int64_t points) {
    return TemporalKeys(ResolutionOf(res), points);
  };
  // The deployments' resolutions at the default 1,500 points.
  EXPECT_EQ(keys("1m", 1500), Keys({"year", "month"}));     // 25 h: a day is too short
  EXPECT_EQ(keys("10m", 1500), Keys({"year", "month"}));    // 10.4 days
  EXPECT_EQ(keys("1h", 1500), Keys({"year", "quarter"}));   // 62.5 days: a month is too short
  EXPECT_EQ(keys("6h", 1500), Keys({"year"}));              // 375 days
  EXPECT_EQ(keys("1d", 1500), Keys({"year"}));              // 4 years: a year is the largest
  EXPECT_EQ(keys("24h", 1500), Keys({"year"}));
  EXPECT_EQ(keys("1w", 4), Keys({"year", "month"}));        // 28 days
  EXPECT_EQ(keys("1w", 10), Keys({"year", "quarter"}));     // 70 days
  // Edges: a window exactly a unit long still fits it.
  EXPECT_EQ(keys("1m", 60), Keys({"year", "month", "day", "hour"}));
  EXPECT_EQ(keys("1m", 61), Keys({"year", "month", "day"}));
  EXPECT_EQ(keys("1h", 24 * 28), Keys({"year", "month"}));
  EXPECT_EQ(keys("1h", 24 * 28 + 1), Keys({"year", "quarter"}));
  EXPECT_EQ(keys("1d", 90), Keys({"year", "quarter"}));
  EXPECT_EQ(keys("1d", 91), Keys({"year"}));
  EXPECT_EQ(keys("1s", 60), Keys({"year", "month", "day", "hour", "minute"}));
  // No resolution, or nonsense: by year.
  EXPECT_EQ(TemporalKeys(std::nullopt, 1500), Keys({"year"}));
  EXPECT_EQ(keys("1h", 0), Keys({"year"}));
  EXPECT_EQ(TemporalKeys(int64_t{1} << 60, int64_t{1} << 60), Keys({"year"}));  // no overflow
}

TEST(Partitioning, ResolutionsAreNumbersAndAUnit) {
  EXPECT_EQ(ResolutionOf("1m"), 60'000'000);
  EXPECT_EQ(ResolutionOf("24h"), 86'400'000'000);
  EXPECT_EQ(ResolutionOf("1w"), 7 * 86'400'000'000LL);
  for (const char* bad : {"", "m", "0h", "1", "1y", "1h ", "h1", "1.5h", "-1h"})
    EXPECT_FALSE(ResolutionOf(bad)) << bad;
}

}  // namespace
}  // namespace pond::sitegen
