#include "base/time.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

constexpr int64_t kJul1 = int64_t{1719792000} * 1000000;  // 2024-07-01T00:00:00Z

TEST(ParseTime, AcceptsEveryCliForm) {
  EXPECT_EQ(ParseTime("2024-07-01"), kJul1);
  EXPECT_EQ(ParseTime("2024-07-01T12:00:00Z"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("2024-07-01T12:00:00"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("2024-07-01 12:00:00"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("2024-07-01T14:00:00+02:00"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("2024-07-01T10:00:00-02:00"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("1719835200000"), kJul1 + int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(ParseTime("2024-07-01T00:00:00.25Z"), kJul1 + 250000);
  EXPECT_EQ(ParseTime("1970-01-01"), 0);
  EXPECT_EQ(ParseTime("1969-12-31T23:59:59Z"), -1000000);
}

TEST(ParseTime, RejectsMalformedText) {
  for (const char* bad : {"", "2024-13-01", "2024-02-30", "2024-07-01T25:00:00", "yesterday",
                          "2024-07-01X", "2024-7-1", "2024-07-01T12:00:00+2"}) {
    EXPECT_FALSE(ParseTime(bad).has_value()) << bad;
  }
}

TEST(ParseTime, LeapDay) {
  EXPECT_EQ(ParseTime("2024-02-29"), int64_t{1709164800} * 1000000);
  EXPECT_FALSE(ParseTime("2023-02-29").has_value());
}

TEST(FormatTime, RoundTripsThroughDuckDbText) {
  for (int64_t t : {int64_t{0}, kJul1, kJul1 + 1, int64_t{-1}, int64_t{951782400} * 1000000 + 123456,
                    int64_t{-2208988800} * 1000000}) {
    EXPECT_EQ(ParseTimestampText(FormatTimestamp(t)), t) << FormatTimestamp(t);
    EXPECT_EQ(ParseTime(FormatIso(t)), t) << FormatIso(t);
  }
  EXPECT_EQ(FormatTimestamp(kJul1), "2024-07-01 00:00:00");
  EXPECT_EQ(FormatIso(kJul1 + 500000), "2024-07-01T00:00:00.5Z");
  EXPECT_EQ(FormatDate(kJul1 - 1), "2024-06-30");
}

TEST(MicrosToMillis, FloorsNegativeTimes) {
  EXPECT_EQ(MicrosToMillis(1999), 1);
  EXPECT_EQ(MicrosToMillis(-1), -1);
  EXPECT_EQ(MicrosToMillis(-1000), -1);
  EXPECT_EQ(MicrosToMillis(-1001), -2);
}

TEST(ParseHumanDuration, ReadsTheOriginalsDurations) {
  constexpr int64_t kHour = int64_t{3600} * 1000000, kDay = 24 * kHour;
  EXPECT_EQ(ParseHumanDuration("14d"), 14 * kDay);
  EXPECT_EQ(ParseHumanDuration("36h"), 36 * kHour);
  EXPECT_EQ(ParseHumanDuration("1h 30m"), kHour + kHour / 2);
  EXPECT_EQ(ParseHumanDuration("14 d"), 14 * kDay);
  EXPECT_EQ(ParseHumanDuration("1h30min"), kHour + kHour / 2);
  EXPECT_EQ(ParseHumanDuration("2days 1hour"), 2 * kDay + kHour);
  EXPECT_EQ(ParseHumanDuration("1w"), 7 * kDay);
  // `m` is minutes and `M` months: a month is a twelfth of 365.25 days.
  EXPECT_EQ(ParseHumanDuration("5m"), 5 * 60 * int64_t{1000000});
  EXPECT_EQ(ParseHumanDuration("1M"), int64_t{2630016} * 1000000);
  EXPECT_EQ(ParseHumanDuration("1y"), int64_t{31557600} * 1000000);
  EXPECT_EQ(ParseHumanDuration("250ms"), 250000);
  EXPECT_EQ(ParseHumanDuration("1500ns"), 1);
  EXPECT_EQ(ParseHumanDuration("0s"), 0);
  for (const char* bad : {"", " ", "d", "14", "1.5h", "-1h", "1x", "1H", "14d,", "1h-2m",
                          "999999999999999999y"})
    EXPECT_EQ(ParseHumanDuration(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace pond
