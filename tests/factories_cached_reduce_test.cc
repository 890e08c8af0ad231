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

}  // namespace
}  // namespace pond::testing
