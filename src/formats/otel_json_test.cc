// oteljson through WriteParquet: real OTLP/JSON files in, Parquet read back by DuckDB.
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/format_test.h"
#include "support/otlp_lines.h"

namespace pond::formats {
namespace {

// 2024-07-01 00:00:30 UTC in ns, and n seconds after it.
std::string At(int seconds, const std::string& extra_nanos = "000000000") {
  return std::to_string(1719792030 + seconds) + extra_nanos;
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

// An ExportMetricsServiceRequest of `metrics`, as one line's text.
std::string Request(const std::vector<std::string>& metrics) {
  return R"({"resourceMetrics":[{"resource":{},"scopeMetrics":[{"scope":{"name":"t"},"metrics":[)" +
         Joined(metrics) + "]}]}]}";
}

std::string Gauge(const std::string& name, const std::vector<std::string>& points) {
  return R"({"name":")" + name + R"(","gauge":{"dataPoints":[)" + Joined(points) + "]}}";
}

// A point at `nanos` (written as a string) with asDouble's JSON text.
std::string Point(const std::string& nanos, const std::string& as_double) {
  return R"({"timeUnixNano":")" + nanos + R"(","asDouble":)" + as_double + "}";
}

class OtelJsonTest : public FormatTest {
 protected:
  OtelJsonTest() : FormatTest(Format::kOtelJson) {}
};

TEST_F(OtelJsonTest, TheExampleRequest) {
  Parsed p = Parse(Lines(
      {R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"pumphouse"}}]},"scopeMetrics":[{"scope":{"name":"modbus"},"metrics":[{"name":"well_depth_value","unit":"m","gauge":{"dataPoints":[{"timeUnixNano":"1719792030000000000","asDouble":43.61}]}},{"name":"atlasph_ph","gauge":{"dataPoints":[{"timeUnixNano":"1719792030000000000","asDouble":7.08,"attributes":[{"key":"probe","value":{"stringValue":"main"}}]}]}},{"name":"pump_starts","sum":{"isMonotonic":true,"dataPoints":[{"timeUnixNano":"1719792030000000000","asInt":"112"}]}}]}]}]})"}));
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "atlasph_ph DOUBLE",
                                                 "well_depth_value DOUBLE"}));
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:00:30 | 7.08 | 43.61"});
}

TEST_F(OtelJsonTest, AMetricAddedLaterIsNullBefore) {
  Parsed p = Parse(Lines({
      Request({Gauge("b", {Point(At(0), "1")})}),
      Request({Gauge("b", {Point(At(60), "2")}), Gauge("a", {Point(At(60), "3")})}),
      Request({Gauge("a", {Point(At(120), "4")})}),
  }));
  EXPECT_EQ(p.rows, 3);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "a DOUBLE", "b DOUBLE"}));
  EXPECT_EQ(Rows(), (std::vector<std::string>{
                        "2024-07-01 00:00:30 | NULL | 1",
                        "2024-07-01 00:01:30 | 3 | 2",
                        "2024-07-01 00:02:30 | 4 | NULL",
                    }));
}

TEST_F(OtelJsonTest, OnlyGaugesCount) {
  const std::string time = R"({"timeUnixNano":")" + At(0) + R"(",)";
  Parse(Lines({Request({
      Gauge("g", {Point(At(0), "1")}),
      R"({"name":"s","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[)" + time +
          R"("asInt":"7"}]}})",
      R"({"name":"h","histogram":{"dataPoints":[)" + time +
          R"("count":"2","sum":3.5,"bucketCounts":["1","1"],"explicitBounds":[1]}]}})",
      R"({"name":"e","exponentialHistogram":{"dataPoints":[)" + time +
          R"("count":"1","scale":0}]}})",
      R"({"name":"q","summary":{"dataPoints":[)" + time +
          R"("count":"1","sum":2,"quantileValues":[{"quantile":0.5,"value":2}]}]}})",
  })}));
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "g DOUBLE"}));
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:00:30 | 1"});
}

TEST_F(OtelJsonTest, NoGaugeAtAllGivesTheTimestampColumnAlone) {
  Parsed p = Parse(Lines({Request({R"({"name":"s","sum":{"dataPoints":[{"timeUnixNano":")" + At(0) +
                                   R"(","asInt":"7"}]}})"}),
                          ""}));
  EXPECT_EQ(p.rows, 0);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), std::vector<std::string>{"timestamp TIMESTAMP"});
  EXPECT_EQ(table_.row_count(), 0u);

  p = Parse("");
  EXPECT_EQ(Columns(), std::vector<std::string>{"timestamp TIMESTAMP"});
  EXPECT_EQ(table_.row_count(), 0u);
}

TEST_F(OtelJsonTest, IntegersAsStringsOrNumbers) {
  Parse(Lines({Request({
      Gauge("a", {R"({"timeUnixNano":")" + At(0) + R"(","asInt":"112"})"}),
      Gauge("b", {R"({"timeUnixNano":)" + At(0) + R"(,"asInt":-5})"}),
      Gauge("c", {R"({"timeUnixNano":")" + At(0) + R"(","asInt":"-9007199254740993"})"}),
      Gauge("d", {R"({"timeUnixNano":")" + At(0) + R"(","asDouble":2})"}),
  })}));
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "a DOUBLE", "b DOUBLE",
                                                 "c DOUBLE", "d DOUBLE"}));
  EXPECT_EQ(Rows(),
            std::vector<std::string>{"2024-07-01 00:00:30 | 112 | -5 | -9007199254740992 | 2"});
}

// Protobuf's JSON mapping writes non-finite doubles as strings.
TEST_F(OtelJsonTest, DoublesAsStrings) {
  Parse(Lines({Request({
      Gauge("a", {Point(At(0), R"("NaN")")}),
      Gauge("b", {Point(At(0), R"("-Infinity")")}),
      Gauge("c", {Point(At(0), R"("1.25")")}),
  })}));
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:00:30 | nan | -inf | 1.25"});
}

TEST_F(OtelJsonTest, TheLaterValueAtATimestampWins) {
  Parsed p = Parse(Lines({
      Request({Gauge("a", {Point(At(0), "1"), Point(At(0), "2")})}),
      Request({Gauge("b", {Point(At(0), "5")}), Gauge("b", {Point(At(0), "6")})}),
      Request({Gauge("a", {Point(At(0), "3")})}),
  }));
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:00:30 | 3 | 6"});
}

TEST_F(OtelJsonTest, PointsOutOfOrderComeOutAscendingOneRowPerMicrosecond) {
  Parsed p = Parse(Lines({
      Request({Gauge("a", {Point(At(120), "3")})}),
      Request({Gauge("a", {Point(At(0), "1"), Point(At(60), "2")})}),
      // 500 ns and 999 ns after 00:00:30: the same µs as the point at 00:00:30.
      Request({Gauge("b", {Point(At(0, "000000500"), "4"), Point(At(0, "000000999"), "5")})}),
      Request({Gauge("b", {Point(At(0, "000001000"), "6")})}),
  }));
  EXPECT_EQ(p.rows, 4);
  EXPECT_EQ(Rows(), (std::vector<std::string>{
                        "2024-07-01 00:00:30 | 1 | 5",
                        "2024-07-01 00:00:30.000001 | NULL | 6",
                        "2024-07-01 00:01:30 | 2 | NULL",
                        "2024-07-01 00:02:30 | 3 | NULL",
                    }));
}

TEST_F(OtelJsonTest, PointsWithoutAValueArePassedOver) {
  Parsed p = Parse(Lines({Request({
      Gauge("a", {Point(At(0), "1")}),
      Gauge("a", {R"({"timeUnixNano":")" + At(60) + R"("})"}),
      Gauge("b", {R"({"timeUnixNano":")" + At(0) + R"(","asDouble":null})"}),
  })}));
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "a DOUBLE"}));
}

// A malformed line is counted and none of its points is kept, even good ones.
TEST_F(OtelJsonTest, MalformedLinesAreCountedAndDropWhole) {
  const std::string good = Gauge("good", {Point(At(0), "1")});
  const std::vector<std::string> bad = {
      "not json",
      R"({"resourceMetrics":[)",
      "[1,2]",
      R"({"other":1})",
      R"({"resourceMetrics":{}})",
      Request({good, R"({"gauge":{"dataPoints":[]}})"}),  // no name
      Request({good, Gauge("", {Point(At(0), "1")})}),
      Request({good, Gauge("x", {R"({"asDouble":1})"})}),  // no time
      Request({good, Gauge("x", {Point("-1", "1")})}),
      Request({good, Gauge("x", {Point(At(0), R"({"v":1})")})}),
      Request({good, Gauge("x", {Point(At(0), "true")})}),
      Request({good, Gauge("x", {R"({"timeUnixNano":")" + At(0) + R"(","asInt":"1.5"})"})}),
      Request({good, R"({"name":"x","gauge":{"dataPoints":{}}})"}),
      Request({good, R"("metric")"}),
  };
  std::vector<std::string> lines = {"", "  \t"};  // blank lines: not counted
  lines.insert(lines.end(), bad.begin(), bad.end());
  lines.push_back(Request({Gauge("kept", {Point(At(60), "2")})}));
  lines.push_back("\r");
  Parsed p = Parse(Lines(lines));
  EXPECT_EQ(p.skipped, static_cast<int64_t>(bad.size()));
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "kept DOUBLE"}));
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:01:30 | 2"});
}

// A host that lost power leaves NUL bytes where the end of its log was.
TEST_F(OtelJsonTest, NulBytesAreStripped) {
  const std::string line = Request({Gauge("a", {Point(At(0), "1")})});
  Parsed p = Parse(Lines({
      std::string(3, '\0') + line.substr(0, 10) + std::string(2, '\0') + line.substr(10),
      std::string(100, '\0'),
      Request({Gauge("a", {Point(At(60), "2")})}),
  }));
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"2024-07-01 00:00:30 | 1", "2024-07-01 00:01:30 | 2"}));
}

// The collector is still writing its last line: not an error, not counted.
TEST_F(OtelJsonTest, ATrailingPartialLineIsPassedOverSilently) {
  const std::string whole = Request({Gauge("a", {Point(At(0), "1")})});
  const std::string next = Request({Gauge("a", {Point(At(60), "2")})});
  const std::string half = next.substr(0, next.size() / 2);
  Parsed p = Parse(Lines({whole}) + half);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Rows(), std::vector<std::string>{"2024-07-01 00:00:30 | 1"});

  // A complete last line without its newline is read.
  p = Parse(Lines({whole}) + next);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(p.rows, 2);

  // A partial line before the end is malformed like any other.
  p = Parse(Lines({half, whole}));
  EXPECT_EQ(p.skipped, 1);
}

// A line longer than memory should hold (here 65 MiB, over the 64 MiB cap) is dropped
// as it is read, counted once; the lines around it are read.
TEST_F(OtelJsonTest, AnOverlongLineIsDroppedInBoundedMemory) {
  const std::string before = Request({Gauge("a", {Point(At(0), "1")})});
  const std::string after = Request({Gauge("a", {Point(At(60), "2")})});
  Parsed p = Parse(Lines({before, std::string(size_t{65} << 20, 'x'), after}));
  EXPECT_EQ(p.skipped, 1);
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"2024-07-01 00:00:30 | 1", "2024-07-01 00:01:30 | 2"}));
  // Cut at the end of the file, it is a line still being written: not counted.
  p = Parse(Lines({before}) + std::string(size_t{65} << 20, 'x'));
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(p.rows, 1);
}

TEST_F(OtelJsonTest, MetricNamesAreColumnNamesAsWritten) {
  Parse(Lines({Request({
      Gauge("AT500_Surface.DO.mg/L", {Point(At(0), "1")}),
      Gauge(R"(it's \"x\" caf\u00e9)", {Point(At(0), "2")}),
      Gauge("Zeta", {Point(At(0), "3")}),
  })}));
  EXPECT_EQ(Columns(),
            (std::vector<std::string>{"timestamp TIMESTAMP", "AT500_Surface.DO.mg/L DOUBLE",
                                      "Zeta DOUBLE", "it's \"x\" café DOUBLE"}));
}

TEST_F(OtelJsonTest, NamesDuckDBWouldMergeAreAnError) {
  try {
    Parse(
        Lines({Request({Gauge("Temp", {Point(At(0), "1")}), Gauge("temp", {Point(At(0), "2")})})}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "columns 'Temp' and 'temp' would be one column (names in DuckDB ignore case) "
              "(/ingest/in.json)");
  }
  EXPECT_FALSE(std::filesystem::exists(output()));

  try {
    Parse(Lines({Request({Gauge("timestamp", {Point(At(0), "1")})})}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "two columns named 'timestamp' (/ingest/in.json)");
  }
  EXPECT_FALSE(std::filesystem::exists(output()));
}

TEST_F(OtelJsonTest, AMissingInputIsAnError) {
  try {
    ParseFile(tmp_ / "absent.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), kName);
  }
  EXPECT_FALSE(std::filesystem::exists(output()));
}

// Lines longer than the reader's buffer, and files many buffers long.
TEST_F(OtelJsonTest, LongLinesAndLongFiles) {
  const std::string big(3 << 20, 'x');
  Parsed p = Parse(Lines({
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":")" +
          big + R"("}}]},"scopeMetrics":[{"metrics":[)" + Gauge("a", {Point(At(0), "1")}) +
          "]}]}]}",
      Request({Gauge("a", {Point(At(60), "2")})}),
  }));
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(p.rows, 2);

  pond::testing::OtlpGauges spec;
  spec.gauges = 3;
  spec.lines = 20000;  // ~9 MB
  pond::testing::WriteOtlpFile(tmp_.path() / "long.json", spec);
  p = ParseFile(tmp_ / "long.json");
  EXPECT_EQ(p.rows, 20000);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"timestamp TIMESTAMP", "gauge_00 DOUBLE",
                                                 "gauge_01 DOUBLE", "gauge_02 DOUBLE"}));
  // The fixture's value of gauge g on line i is g + (i % 1000) / 8.
  auto check = con_.Query(
      "SELECT count(*) AS n, min(\"timestamp\") AS first, max(\"timestamp\") AS last, "
      "count(*) FILTER (WHERE gauge_02 <> 2 + ((epoch(\"timestamp\")::BIGINT - 1704067200) // 60 "
      "% 1000) / 8) AS off FROM read_parquet(" +
      engine::QuoteLiteral(output()) + ")");
  EXPECT_EQ(check.at(0, "n").as_int(), 20000);
  EXPECT_EQ(FormatTimestamp(check.at(0, "first").as_timestamp().micros), "2024-01-01 00:00:00");
  EXPECT_EQ(FormatTimestamp(check.at(0, "last").as_timestamp().micros), "2024-01-14 21:19:00");
  EXPECT_EQ(check.at(0, "off").as_int(), 0);
}

// The fixture's rotation: consecutive lines, the last file shorter.
TEST_F(OtelJsonTest, RotatedFixtureFiles) {
  pond::testing::OtlpGauges spec;
  spec.gauges = 2;
  spec.lines = 10;
  const auto files = pond::testing::WriteOtlpFiles(tmp_.path(), spec, 3);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[2].filename(), "metrics-02.json");
  std::vector<std::string> rows;
  for (const auto& f : files) {
    ParseFile(f);
    for (const auto& row : Rows()) rows.push_back(row);
  }
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0], "2024-01-01 00:00:00 | 0 | 1");
  EXPECT_EQ(rows[4], "2024-01-01 00:04:00 | 0.5 | 1.5");
  EXPECT_EQ(rows[9], "2024-01-01 00:09:00 | 1.125 | 2.125");
}

}  // namespace
}  // namespace pond::formats
