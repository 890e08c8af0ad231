// Cached reductions through the `pond` binary (docs/factories.md, "Cached
// reductions"): `cat` with the cache equals `cat` with POND_CACHE=off before and
// after a late append and `--at` the earlier transaction; the cache lives in
// <pond>/cache/, is not the pond's state for `check`, and `maintain` drops what no
// read used for --cache-keep.
#include "factories_fixture.h"

namespace pond::testing {
namespace {

class FactoriesCachedReduceTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    // 90 days: three cached spans of 28 days and the hot one.
    CopySeries("site.csv", SiteCsv({"2024-03-01 00:00:00", 90 * 96, "", "", 5, false}),
               "/raw/Site.series");
    Mknod("temporal-reduce", "/reduced", kConfig);
  }

  // `pond [--at SEQ] cat …` with the cache, or with POND_CACHE=off.
  std::string Cat(const std::string& res, bool cached, const std::string& at = "") {
    std::vector<std::string> args{"cat", "/reduced/Site/res=" + res + ".series", "--format", "csv"};
    if (!at.empty()) args.insert(args.begin(), {"--at", at});
    return Ok(args, cached ? std::map<std::string, std::string>{}
                           : std::map<std::string, std::string>{{"POND_CACHE", "off"}});
  }

  // Packs of cold spans (one file per output and state of its inputs).
  size_t CacheFiles() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(pond_dir_ + "/cache/reduce-pack", ec))
      n += e.is_regular_file();
    return n;
  }

  static constexpr const char* kConfig = R"(in_pattern: /raw/*.series
out_pattern: $0
resolutions: [1h, 1d]
aggregations:
  - {type: avg}
  - {type: max}
  - {type: count, columns: ["*"]}
)";
};

TEST_F(FactoriesCachedReduceTest, CachedReadsEqualReadsFromScratch) {
  const std::string hour = Cat("1h", false), day = Cat("1d", false);
  EXPECT_EQ(CacheFiles(), 0u);  // POND_CACHE=off writes nothing
  EXPECT_EQ(Cat("1h", true), hour);
  EXPECT_EQ(Cat("1d", true), day);
  EXPECT_EQ(CacheFiles(), 2u);
  EXPECT_EQ(Cat("1h", true), hour);  // from the cache now
  EXPECT_EQ(CacheFiles(), 2u);
  const std::string before = std::to_string(std::stoll(Ok({"log", "--limit", "1"})));

  // Late readings into the first weeks (another seed: other values at the same times).
  CopySeries("late.csv", SiteCsv({"2024-03-05 00:00:00", 96, "", "", 11, false}),
             "/raw/Site.series");
  const std::string late_hour = Cat("1h", false);
  EXPECT_NE(late_hour, hour);
  EXPECT_EQ(Cat("1h", true), late_hour);
  EXPECT_EQ(Cat("1d", true), Cat("1d", false));
  EXPECT_EQ(CacheFiles(), 4u);  // one new pack per resolution
  // The view before the late copy reads its own spans.
  EXPECT_EQ(Cat("1h", true, before), hour);
  EXPECT_EQ(Cat("1d", true, before), day);

  const std::string check = Ok({"check"});
  EXPECT_EQ(check.find("cache"), std::string::npos) << check;
  const std::string compacted = Ok({"maintain", "--cache-keep", "1d"});
  EXPECT_EQ(compacted.find("dropped"), std::string::npos) << compacted;  // all used just now
  EXPECT_EQ(CacheFiles(), 4u);
  // The merged blob is another piece: its spans are computed once more, still equal.
  EXPECT_EQ(Cat("1h", true), late_hour);
  const std::string dropped = Ok({"maintain", "--cache-keep", "0s"});
  EXPECT_TRUE(dropped.starts_with("nothing to compact; dropped 7 cached results (")) << dropped;
  EXPECT_EQ(CacheFiles(), 0u);  // 5 packs and the index of each resolution's latest
}

// Rotated inputs of one output: a read needs only those with rows in its range (the
// hot span: the newest file), yet every input's columns stay: one that only the oldest
// has is there, NULL in the newest buckets, as when computed from scratch.
TEST_F(FactoriesCachedReduceTest, InputsWithoutRowsInTheRangeStillGiveTheirColumns) {
  CopySeries("old.csv", SiteCsv({"2023-11-01 00:00:00", 30 * 96, "", "", 3, true}),
             "/rot/Site-1.series");
  CopySeries("new.csv", SiteCsv({"2024-01-15 00:00:00", 60 * 96, "", "", 4, false}),
             "/rot/Site-2.series");
  Mknod("temporal-reduce", "/rotated",
        "in_pattern: /rot/Site-*.series\nout_pattern: Site\nresolutions: [1h]\n"
        "aggregations: [{type: avg}]\n");
  const auto cat = [&](bool cached, const std::string& start) {
    std::vector<std::string> args{"cat", "/rotated/Site/res=1h.series", "--format", "csv"};
    if (!start.empty()) args.insert(args.end(), {"--start", start});
    return Ok(args, cached ? std::map<std::string, std::string>{}
                           : std::map<std::string, std::string>{{"POND_CACHE", "off"}});
  };
  const std::string all = cat(false, "");
  EXPECT_TRUE(all.starts_with("timestamp,Temperature.C.avg,DO.mg/L.avg,Spec Cond.uS/cm.avg\n"))
      << all.substr(0, 200);
  EXPECT_EQ(cat(true, ""), all);  // writes the pack
  EXPECT_EQ(cat(true, ""), all);  // the pack and the hot span, from the newest file only
  EXPECT_EQ(cat(true, "2024-03-01"), cat(false, "2024-03-01"));
}

}  // namespace
}  // namespace pond::testing
