// Cached reductions under faults (factories/reduce_cache.h): a read that writes a pack
// and its index, with the cache cold or partly warm (a late append: spans copied from
// the previous pack), killed (SIGKILL) or failing (an I/O error, as a full disk gives
// one) at every write point, leaves the cache holding only whole entries, and the next
// cached read equals the read from scratch (POND_CACHE=off). So does an export of a
// reduction whose cache is cold, and a real full disk (a small tmpfs, when the test may
// mount one).
#include <signal.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "factories_fixture.h"
#include "store/chunk_sums.h"
#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

class FactoriesCacheFaults : public FactoryScenario {
 protected:
  // 90 days of 15-minute readings: three cold spans of 28 days and the hot one.
  void Prepare() {
    Init();
    CopySeries("site.csv", SiteCsv({"2024-03-01 00:00:00", 90 * 96, "", "", 5, false}),
               "/raw/Site.series");
    Mknod("temporal-reduce", "/reduced", kConfig);
  }
  // A late reading into the first weeks: the next pack copies two spans of the last.
  void AppendLate() {
    CopySeries("late.csv", SiteCsv({"2024-03-05 00:07:00", 4, "", "", 11, false}),
               "/raw/Site.series");
  }

  static std::vector<std::string> CatArgs() {
    return {"cat", "/reduced/Site/res=1h.series", "--format", "csv"};
  }
  std::vector<std::string> ExportArgs() const {
    return {"--quiet", "export", "--pattern",  "/reduced/Site/res=1h.series",
            "--dir",   out_,     "--temporal", "year,month"};
  }
  std::string FromScratch() { return Ok(CatArgs(), {{"POND_CACHE", "off"}}); }

  // Every pack is named by its key and the XXH3 of its bytes, and has them; every
  // index is whole (the pack's key, its first span, keys, each line ended, then the
  // checksum line of ResultCache::PutText).
  void ExpectOnlyWholeEntries() {
    static const std::regex pack("[0-9a-f]{64}\\.([0-9a-f]{32})\\.parquet");
    static const std::regex index(
        "([0-9a-f]{64}\n)(-?[0-9]+\n)([0-9a-f]{64}\n)*\npond-text-xxh3 [0-9a-f]{16}\n");
    std::error_code ec;
    const fs::path cache = fs::path(pond_dir_) / "cache";
    for (const auto& e : fs::directory_iterator(cache / "reduce-pack", ec)) {
      std::smatch m;
      const std::string name = e.path().filename().string();
      ASSERT_TRUE(std::regex_match(name, m, pack)) << name;
      EXPECT_EQ(m[1].str(), store::Xxh3OfFile(e.path().string())) << name;
    }
    for (const auto& e : fs::directory_iterator(cache / "reduce-pack-index", ec))
      EXPECT_TRUE(std::regex_match(ReadFile(e.path()), index)) << e.path();
  }
  size_t Packs() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(pond_dir_) / "cache/reduce-pack", ec))
      n += e.is_regular_file();
    return n;
  }

  // The write points of `args` when nothing faults (the cache as `reset` leaves it).
  int CountPoints(const std::vector<std::string>& args, const std::function<void()>& reset) {
    reset();
    RunResult r = P(args, {{"POND_FAULT_AT", "1000000000"}, {"POND_LOG", "debug"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    int n = 0;
    for (size_t at = 0; (at = r.err.find(" write point ", at)) != std::string::npos; ++at) ++n;
    return n;
  }

  // `args` faulting as `mode` at each of its write points, every `stride`-th, from
  // the state `reset` makes; then only whole entries, and a cached read as from
  // scratch (which may write what the faulting one did not).
  void EveryWritePoint(const std::vector<std::string>& args, const std::string& mode,
                       const std::function<void()>& reset, int stride = 1) {
    reset();
    const std::string expected = FromScratch();
    const int points = CountPoints(args, reset);
    ASSERT_GT(points, 5);
    std::printf("%s, %s: %d write points\n", args[args[0] == "--quiet" ? 1 : 0].c_str(),
                mode.c_str(), points);
    for (int k = 1; k <= points; k += stride) {
      SCOPED_TRACE(mode + " at write point " + std::to_string(k) + " of " + std::to_string(points));
      reset();
      RunResult r = P(args, {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", mode}});
      if (mode == "crash") {
        ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
      } else {
        // The cache's own failures are debug lines: the read goes on uncached.
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
        if (args[0] == "cat") {
          EXPECT_EQ(r.exit_code, 0) << r.err;
          EXPECT_TRUE(r.out == expected);
        }
      }
      ExpectOnlyWholeEntries();
      EXPECT_TRUE(Ok(CatArgs()) == expected);
      EXPECT_GE(Packs(), 1u);
      ExpectOnlyWholeEntries();
    }
  }

  // A cold cache; a cache warm before a late append; OUT absent as well.
  void Cold() {
    fs::remove_all(fs::path(pond_dir_) / "cache");
    fs::remove_all(out_);
    for (const auto& e : fs::directory_iterator(tmp_.path()))
      if (e.path().filename().string().starts_with(".out.pond-")) fs::remove_all(e.path());
  }
  void PartlyWarm() {
    const fs::path cache = fs::path(pond_dir_) / "cache", saved = tmp_.path() / "warm-cache";
    if (!fs::exists(saved)) {
      Cold();
      Ok(CatArgs());
      AppendLate();
      fs::copy(cache, saved, fs::copy_options::recursive);
    }
    fs::remove_all(cache);
    fs::copy(saved, cache, fs::copy_options::recursive);
  }

  std::string out_ = tmp_ / "out";
  static constexpr const char* kConfig = R"(in_pattern: /raw/*.series
out_pattern: $0
resolutions: [1h, 1d]
aggregations:
  - {type: avg}
  - {type: max}
  - {type: count, columns: ["*"]}
)";
};

TEST_F(FactoriesCacheFaults, AColdReadKilledOrFailingAtAnyWritePoint) {
  Prepare();
  for (const char* mode : {"crash", "error"}) EveryWritePoint(CatArgs(), mode, [&] { Cold(); });
}

TEST_F(FactoriesCacheFaults, APartlyWarmReadKilledOrFailingAtAnyWritePoint) {
  Prepare();
  for (const char* mode : {"crash", "error"})
    EveryWritePoint(CatArgs(), mode, [&] { PartlyWarm(); });
}

// An export of a reduction whose cache is cold: the cache's write points and the
// export's (tests/export_faults_test.cc checks OUT itself).
TEST_F(FactoriesCacheFaults, AnExportWithAColdCacheKilledAtAnyWritePoint) {
  Prepare();
  EveryWritePoint(ExportArgs(), "crash", [&] { Cold(); });
}

// A real ENOSPC: the pond's cache on a small tmpfs filled to leave less and less room
// than the pack needs. Every read answers as from scratch; what the cache holds is
// whole. (Only the cache: on a full disk SQLite cannot make the catalog's shared-memory
// file a reader needs, so the pond could not be read at all.)
TEST_F(FactoriesCacheFaults, AFullDiskCostsOnlyTheCache) {
  TmpfsMount tmpfs(8 << 20);
  if (!tmpfs.ok()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  Prepare();
  fs::create_directory(tmpfs.path() / "cache");
  fs::create_directory_symlink(tmpfs.path() / "cache", fs::path(pond_dir_) / "cache");
  auto avail = [&] {
    struct statvfs st {};
    ::statvfs(tmpfs.path().c_str(), &st);
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  };
  const std::string expected = FromScratch();
  const int64_t before = avail();
  EXPECT_EQ(Ok(CatArgs()), expected);
  const int64_t needed = before - avail();
  ASSERT_GT(needed, 0);
  const fs::path filler = tmpfs.path() / "filler";
  int failed = 0;
  for (int step = 0; step <= 12; ++step) {
    const int64_t room = needed * step / 8;
    SCOPED_TRACE("room " + std::to_string(room) + " of " + std::to_string(needed));
    for (const auto& e : fs::directory_iterator(tmpfs.path() / "cache")) fs::remove_all(e.path());
    WriteFile(filler, std::string(static_cast<size_t>(std::max<int64_t>(0, avail() - room)), 'x'));
    RunResult r = P(CatArgs(), {{"POND_LOG", "debug"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out == expected);
    failed += r.err.find("cache: not written") != std::string::npos;
    ExpectOnlyWholeEntries();
    fs::remove(filler);
    EXPECT_TRUE(Ok(CatArgs()) == expected);
    EXPECT_GE(Packs(), 1u);
    ExpectOnlyWholeEntries();
  }
  std::printf("%d of 13 reads out of room for the cache\n", failed);
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 13);
}

}  // namespace
}  // namespace pond::testing
