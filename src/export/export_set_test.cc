#include "export/export_set.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "export/exporter.h"

namespace pond::exporter {
namespace {

TEST(SplitColumn, FromTheRightOnDots) {
  auto f = SplitColumn("AT500_Surface.DO.mg/L.avg", "DOUBLE");
  EXPECT_EQ(f.agg, "avg");
  EXPECT_EQ(f.unit, "mg/L");
  EXPECT_EQ(f.name, "DO");
  EXPECT_EQ(f.instrument, "AT500_Surface");
  f = SplitColumn("Temperature.C", "DOUBLE");
  EXPECT_EQ(f.name, "Temperature");
  EXPECT_EQ(f.unit, "C");
  EXPECT_FALSE(f.instrument || f.agg);
  f = SplitColumn("timestamp", "TIMESTAMP");
  EXPECT_EQ(f.name, "timestamp");
  EXPECT_FALSE(f.unit || f.instrument || f.agg);
  f = SplitColumn("a.b.c.Salinity.psu.count", "BIGINT");
  EXPECT_EQ(f.instrument, "a.b.c");
  EXPECT_EQ(f.name, "Salinity");
  EXPECT_EQ(f.unit, "psu");
  EXPECT_EQ(f.agg, "count");
  f = SplitColumn("level.max", "DOUBLE");
  EXPECT_EQ(f.name, "level");
  EXPECT_EQ(f.agg, "max");
  EXPECT_FALSE(f.unit);
}

TEST(SortFiles, ByStartTimeNullLastThenName) {
  std::vector<ExportOutput> files = {{"c", std::nullopt, std::nullopt, 1, 1},
                                     {"b", 5, 6, 1, 1},
                                     {"a", 5, 6, 1, 1},
                                     {"z", 0, 0, 1, 1}};
  SortFiles(files);
  EXPECT_EQ(files[0].file, "z");
  EXPECT_EQ(files[1].file, "a");
  EXPECT_EQ(files[2].file, "b");
  EXPECT_EQ(files[3].file, "c");
}

TEST(BuildExportSet, NestsByCapturesWithLeaves) {
  TargetOutput a{"/r/BDock/res=1h.series", {"BDock", "res=1h"}, {{"f.parquet", 0, 1, 2, 3}}, std::vector<SchemaField>{SplitColumn("timestamp", "TIMESTAMP")}};
  TargetOutput b{"/r/BDock/res=1d.series", {"BDock", "res=1d"}, {}, std::nullopt};
  auto set = BuildExportSet({a, b});
  EXPECT_EQ(set["BDock"]["res=1h"]["files"][0]["file"], "f.parquet");
  EXPECT_EQ(set["BDock"]["res=1h"]["files"][0]["rows"], 2);
  EXPECT_EQ(set["BDock"]["res=1h"]["schema"]["fields"][0]["name"], "timestamp");
  EXPECT_TRUE(set["BDock"]["res=1h"]["schema"]["fields"][0]["unit"].is_null());
  EXPECT_TRUE(set["BDock"]["res=1d"]["schema"].is_null());
  TargetOutput c{"/r/BDock", {"BDock"}, {}, std::nullopt};
  EXPECT_THROW(BuildExportSet({a, c}), Error);
}

TEST(ParseTemporal, AcceptsOrderedSubsetsOnly) {
  EXPECT_EQ(ParseTemporal("year,month"), (std::vector<std::string>{"year", "month"}));
  EXPECT_EQ(ParseTemporal("month,day"), (std::vector<std::string>{"month", "day"}));
  EXPECT_THROW(ParseTemporal("month,year"), UsageError);
  EXPECT_THROW(ParseTemporal("week"), UsageError);
  EXPECT_THROW(ParseTemporal("year,year"), UsageError);
  EXPECT_THROW(ParseTemporal(""), UsageError);
}

}  // namespace
}  // namespace pond::exporter
