// Cached reductions (docs/factories.md, "Cached reductions"; factories/reduce_cache.h):
// whatever is appended, late or not, a read with the cache returns exactly what a read
// from scratch (POND_CACHE=off) returns, at the latest transaction and at earlier
// ones; a read after an append recomputes only the spans the append touched; a damaged
// pack or index is a miss; a cache that cannot be written, or whose writer fails at
// any write point, costs nothing but speed.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "base/host_file.h"
#include "factories/reduce_cache.h"
#include "factories/temp_pond_test.h"
#include "factories/view.h"
#include "store/blob_store.h"
#include "store/chunk_sums.h"
#include "store/disk.h"

namespace pond::factories {
namespace {

namespace fs = std::filesystem;

const int64_t kStart = ParseTimestampText("2024-01-01 00:00:00").value();

// Sets POND_CACHE for its life.
class CacheSwitch {
 public:
  explicit CacheSwitch(bool on) {
    if (const char* v = std::getenv("POND_CACHE")) old_ = v;
    if (on)
      ::unsetenv("POND_CACHE");
    else
      ::setenv("POND_CACHE", "off", 1);
  }
  ~CacheSwitch() {
    if (old_)
      ::setenv("POND_CACHE", old_->c_str(), 1);
    else
      ::unsetenv("POND_CACHE");
  }

 private:
  std::optional<std::string> old_;
};

// Rows at `start` + i·`step` minutes (i < n); values are multiples of 1/4, so sums
// and averages are exact whatever order a reduction adds them in.
store::TableSource Batch(int64_t start, int64_t step, int n, int seed, bool with_w,
                         bool with_x = false) {
  std::string sql = "SELECT TIMESTAMP " + engine::QuoteLiteral(FormatTimestamp(start)) +
                    " + INTERVAL (i * " + std::to_string(step) +
                    ") MINUTE AS \"timestamp\", ((i * 7 + " + std::to_string(seed) +
                    ") % 13) * 0.25 AS v";
  if (with_w)
    sql += ", CASE WHEN i % 5 = 2 THEN NULL ELSE CAST((i + " + std::to_string(seed) +
           ") % 9 AS INTEGER) END AS w";
  if (with_x) sql += ", (i % 4) * 0.5 AS x";
  return {sql + " FROM range(" + std::to_string(n) + ") t(i)", "batch", ""};
}

class ReduceCacheTest : public TempPondTest {
 protected:
  void SetUp() override {
    if (std::getenv("POND_LOG")) spdlog::set_level(spdlog::level::debug);  // to debug a seed
    TempPondTest::SetUp();
  }

  void MknodReduce(const std::string& path, const std::string& in, const std::string& out,
                   const std::string& resolutions) {
    Write([&](store::Transaction& t) {
      t.Mknod(path, "temporal-reduce",
              "in_pattern: " + in + "\nout_pattern: " + out + "\nresolutions: " + resolutions +
                  "\naggregations:\n  - {type: avg}\n  - {type: min}\n  - {type: max}\n"
                  "  - {type: sum}\n  - {type: count, columns: ['*']}\n",
              false);
    });
  }

  // Every row of `path` as text (column names and types first), as a View sees it.
  static std::vector<std::string> Rows(store::Pond& pond, const std::string& path) {
    View view(pond, {});
    engine::Result r = pond.sql().Query("SELECT * FROM " + view.RelationSql(view.Get(path)));
    std::vector<std::string> out;
    std::string head;
    for (size_t c = 0; c < r.column_count(); ++c)
      head += r.column_names()[c] + " " + r.column_types()[c] + "|";
    out.push_back(head);
    for (const auto& row : r.rows()) {
      std::string line;
      for (const auto& v : row) line += v.ToString() + "|";
      out.push_back(line);
    }
    return out;
  }

  // The rows of `path` labelled in [begin, end), from a range read (View::RelationSql
  // with a range) or from the whole relation, with the cache or from scratch.
  std::vector<std::string> RangeRows(const std::string& path, int64_t begin, int64_t end,
                                     bool range_read, bool cached) {
    CacheSwitch on(cached);
    auto pond = store::Pond::OpenRead(dir_);
    View view(*pond, {});
    const Node node = view.Get(path);
    const std::string relation =
        range_read ? view.RelationSql(node, TimeRange{begin, end}) : view.RelationSql(node);
    engine::Result r =
        pond->sql().Query("SELECT * FROM " + relation + " WHERE \"timestamp\" >= make_timestamp(" +
                          std::to_string(begin) + ") AND \"timestamp\" < make_timestamp(" +
                          std::to_string(end) + ")");
    std::vector<std::string> out;
    for (const auto& row : r.rows()) {
      std::string line;
      for (const auto& v : row) line += v.ToString() + "|";
      out.push_back(line);
    }
    return out;
  }

  // The rows at `at` (latest when unset) with the cache or from scratch.
  std::vector<std::string> Read(const std::string& path, bool cached,
                                std::optional<int64_t> at = {}) {
    CacheSwitch on(cached);
    auto pond = store::Pond::OpenRead(dir_, at);
    return Rows(*pond, path);
  }

  // The rows of each of `paths`, from one view.
  std::vector<std::vector<std::string>> ReadAll(const std::vector<std::string>& paths, bool cached,
                                                std::optional<int64_t> at = {}) {
    CacheSwitch on(cached);
    auto pond = store::Pond::OpenRead(dir_, at);
    std::vector<std::vector<std::string>> out;
    for (const auto& p : paths) out.push_back(Rows(*pond, p));
    return out;
  }

  // What one cached read of `paths` did with the cache.
  store::ResultCache::Stats CachedReads(const std::vector<std::string>& paths) {
    CacheSwitch on(true);
    auto pond = store::Pond::OpenRead(dir_);
    for (const auto& p : paths) Rows(*pond, p);
    return pond->cache().stats();
  }

  // The cache's files of `kind`: "reduce-pack" (packs of cold spans) or
  // "reduce-pack-index".
  std::vector<fs::path> CacheFiles(const std::string& kind) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(dir_) / "cache" / kind, ec))
      out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Random batches into three series (sizes 1–400, steps of 1–60 minutes), a third of
// them late (into old buckets), some repeating earlier times exactly, some bringing a
// column the series did not have (old rows then read it as NULL); reductions at
// 1h/6h/1d/1w of each series, of all three merged into one output, and of their
// join. After every append each resolution with the cache equals the one from
// scratch, row for row, at the latest transaction and at a random earlier one.
TEST_F(ReduceCacheTest, CachedEqualsFromScratchUnderRandomAppends) {
  const char* seed_env = std::getenv("POND_TEST_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::stoul(seed_env)) : 20261202u;
  SCOPED_TRACE("seed " + std::to_string(seed) + " (POND_TEST_SEED reruns it)");
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  const std::vector<std::string> series{"/raw/a.series", "/raw/b.series", "/raw/c.series"};
  std::map<std::string, int64_t> end;  // each series' latest time so far
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    // Ten weeks of 15-minute data: several spans of four weeks.
    t.AppendSeries(series[0], Batch(kStart, 15, 70 * 96, 1, false));
    t.AppendSeries(series[1], Batch(kStart + 3 * kDay, 15, 60 * 96, 2, true));
    t.AppendSeries(series[2], Batch(kStart + 10 * kDay, 60, 30 * 24, 3, true));
    t.Mknod("/join", "timeseries-join",
            "inputs:\n  - {pattern: /raw/a.series, scope: A}\n"
            "  - {pattern: /raw/b.series, scope: B}\n",
            false);
  });
  end[series[0]] = kStart + 70 * kDay;
  end[series[1]] = kStart + 63 * kDay;
  end[series[2]] = kStart + 40 * kDay;
  MknodReduce("/each", "/raw/*.series", "$0", "[1h, 6h, 1d, 1w]");
  MknodReduce("/merged", "/raw/*.series", "all", "[1h, 1d]");
  MknodReduce("/joined", "/join", "j", "[1h, 6h, 1d, 1w]");

  std::vector<std::string> outputs;
  for (const char* r : {"1h", "6h", "1d", "1w"}) {
    for (const char* s : {"a", "b", "c"})
      outputs.push_back(std::string("/each/") + s + "/res=" + r + ".series");
    outputs.push_back(std::string("/joined/j/res=") + r + ".series");
  }
  outputs.push_back("/merged/all/res=1h.series");
  outputs.push_back("/merged/all/res=1d.series");

  const int64_t first_seq = store::Pond::OpenRead(dir_)->last_seq();
  int64_t cached_spans = 0;
  for (int round = 0; round < 14; ++round) {
    const std::string& s = series[pick(0, 2)];
    const int kind = pick(0, 2);  // 0 new data, 1 late, 2 a repeat of earlier times
    const int n = pick(1, 400);
    const int64_t step = pick(1, 60);
    int64_t start = end[s] + pick(0, 3000) * kMinute;
    if (kind == 1) start = kStart + pick(0, 60 * 1440) * kMinute;
    if (kind == 2) start = kStart + pick(0, 60 * 96) * 15 * kMinute;
    SCOPED_TRACE("round " + std::to_string(round) + ": " + std::to_string(n) + " rows into " + s +
                 " from " + FormatTimestamp(start) + " every " + std::to_string(step) + " min");
    Write([&](store::Transaction& t) {
      t.AppendSeries(
          s, Batch(start, kind == 2 ? 15 : step, n, round, s != series[0], pick(0, 4) == 0));
    });
    end[s] = std::max(end[s], start + (n - 1) * step * kMinute);

    const auto cached = ReadAll(outputs, true);
    const auto fresh = ReadAll(outputs, false);
    for (size_t i = 0; i < outputs.size(); ++i) EXPECT_EQ(cached[i], fresh[i]) << outputs[i];
    cached_spans += CachedReads(outputs).hits;
    // A range read (as an incremental export makes), cutting buckets at random.
    const std::string& ranged = outputs[pick(0, static_cast<int>(outputs.size()) - 1)];
    const int64_t begin = kStart + pick(-2 * 1440, 80 * 1440) * kMinute;
    const int64_t range_end = begin + pick(1, 40 * 1440) * kMinute;
    SCOPED_TRACE(ranged + " from " + FormatTimestamp(begin) + " to " + FormatTimestamp(range_end));
    const auto whole = RangeRows(ranged, begin, range_end, false, false);
    EXPECT_EQ(RangeRows(ranged, begin, range_end, true, true), whole);
    EXPECT_EQ(RangeRows(ranged, begin, range_end, true, false), whole);
    // An earlier view computes its own keys from its own snapshot.
    const int64_t at = pick(static_cast<int>(first_seq), static_cast<int>(first_seq) + round);
    SCOPED_TRACE("--at " + std::to_string(at));
    const auto cached_at = ReadAll(outputs, true, at);
    const auto fresh_at = ReadAll(outputs, false, at);
    for (size_t i = 0; i < outputs.size(); ++i) EXPECT_EQ(cached_at[i], fresh_at[i]) << outputs[i];
  }
  EXPECT_GT(cached_spans, 0);  // the cache was used, not only bypassed
}

// One span of four weeks per ~672 hourly buckets: a late batch in one old span
// recomputes that span only; new data in the hot span recomputes nothing cached.
TEST_F(ReduceCacheTest, AnAppendRecomputesOnlyTheSpansItTouches) {
  Write([&](store::Transaction& t) { t.Mkdir("/raw", false); });
  // 200 days in four versions, which the store merges into one piece: the three
  // appends below then change only the spans their rows fall in (docs/storage.md).
  for (int quarter = 0; quarter < 4; ++quarter)
    Write([&](store::Transaction& t) {
      t.AppendSeries("/raw/a.series", Batch(kStart + quarter * 50 * kDay, 15, 50 * 96, 1, false));
    });
  MknodReduce("/r", "/raw/*.series", "$0", "[1h, 1d]");
  const std::vector<std::string> outs{"/r/a/res=1h.series", "/r/a/res=1d.series"};

  // 2024-01-01 is in the span that starts 2023-12-21 (spans are 28 days from the
  // epoch): 200 days touch 8 spans, the last one hot. Each resolution computes its 7
  // cold spans and writes them as one pack.
  store::ResultCache::Stats first = CachedReads(outs);
  EXPECT_EQ(first.written, 2);
  EXPECT_EQ(first.hits, 0);
  EXPECT_EQ(first.parts_computed, 2 * 7);
  EXPECT_EQ(first.parts_reused, 0);
  store::ResultCache::Stats again = CachedReads(outs);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.hits, 2);  // the packs
  EXPECT_EQ(again.parts_computed, 0);

  // Late rows inside one old span (days 40-41): that span is computed, the other six
  // come from the previous pack, into a new pack.
  Write([&](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Batch(kStart + 40 * kDay + 7 * kMinute, 30, 48, 5, false));
  });
  store::ResultCache::Stats late = CachedReads(outs);
  EXPECT_EQ(late.written, 2);
  EXPECT_EQ(late.parts_computed, 2 * 1);
  EXPECT_EQ(late.parts_reused, 2 * 6);
  for (const auto& out : outs) EXPECT_EQ(Read(out, true), Read(out, false)) << out;

  // New rows at the end stay in the hot span, which is never cached: the pack serves.
  Write([&](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Batch(kStart + 200 * kDay, 15, 4, 6, false));
  });
  store::ResultCache::Stats hot = CachedReads(outs);
  EXPECT_EQ(hot.written, 0);
  EXPECT_EQ(hot.hits, 2);
  for (const auto& out : outs) EXPECT_EQ(Read(out, true), Read(out, false)) << out;

  // Four weeks later the hot span turns cold: it alone is computed into the next pack.
  Write([&](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Batch(kStart + 229 * kDay, 15, 4, 7, false));
  });
  store::ResultCache::Stats turned = CachedReads(outs);
  EXPECT_EQ(turned.written, 2);
  EXPECT_EQ(turned.parts_reused, 2 * 7);
  EXPECT_EQ(turned.parts_computed, 2 * 1);
  for (const auto& out : outs) EXPECT_EQ(Read(out, true), Read(out, false)) << out;
}

// A stray early timestamp (a clock reset to 1970, in the demo's sample) puts years of
// empty spans between it and the data: they cost a key each in the index, no file.
TEST_F(ReduceCacheTest, EmptySpansCostNoFile) {
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    t.AppendSeries("/raw/a.series", Batch(kStart - 3 * 365 * kDay, 15, 1, 1, false));
    t.AppendSeries("/raw/a.series", Batch(kStart, 15, 60 * 96, 1, false));
  });
  MknodReduce("/r", "/raw/*.series", "$0", "[1d]");
  const std::string out = "/r/a/res=1d.series";
  EXPECT_EQ(Read(out, true), Read(out, false));
  EXPECT_EQ(CacheFiles("reduce-pack").size(), 1u);
  const std::vector<fs::path> index = CacheFiles("reduce-pack-index");
  ASSERT_EQ(index.size(), 1u);
  std::ifstream list(index[0]);
  size_t keys = 0;
  for (std::string line; std::getline(list, line);) ++keys;
  EXPECT_GT(keys, 2u + 3 * 13);           // the pack, its first span, then three years of spans
  EXPECT_EQ(CachedReads({out}).hits, 1);  // the pack
  EXPECT_EQ(Read(out, true), Read(out, false));
}

// A damaged pack is a miss: removed and computed again. A damaged index costs a
// recomputation of every span, never a span read from the wrong place.
TEST_F(ReduceCacheTest, ADamagedCacheFileIsAMissNotAWrongAnswer) {
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    t.AppendSeries("/raw/a.series", Batch(kStart, 15, 90 * 96, 1, false));
  });
  MknodReduce("/r", "/raw/*.series", "$0", "[1h]");
  const std::string out = "/r/a/res=1h.series";
  const auto expected = Read(out, false);
  EXPECT_EQ(Read(out, true), expected);
  std::vector<fs::path> packs = CacheFiles("reduce-pack");
  ASSERT_EQ(packs.size(), 1u);
  fs::resize_file(packs[0], fs::file_size(packs[0]) - 1);  // truncated
  store::ResultCache::Stats stats = CachedReads({out});
  EXPECT_EQ(stats.damaged, 1);
  EXPECT_EQ(stats.written, 1);
  EXPECT_EQ(stats.parts_computed, 3);  // the index named the damaged pack
  EXPECT_EQ(Read(out, true), expected);
  packs = CacheFiles("reduce-pack");
  ASSERT_EQ(packs.size(), 1u);
  {
    const auto at = static_cast<std::streamoff>(fs::file_size(packs[0]) / 2);
    std::fstream f(packs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    const char byte = static_cast<char>(f.get());
    f.seekp(at);
    f.put(static_cast<char>(byte ^ 0x5a));  // one byte flipped
  }
  stats = CachedReads({out});
  EXPECT_EQ(stats.damaged, 1);
  EXPECT_EQ(Read(out, true), expected);
  for (const auto& f : CacheFiles("reduce-pack")) {
    const std::string name = f.filename().string();
    EXPECT_EQ(name.substr(65, 32), store::Xxh3OfFile(f.string())) << name;
  }
  // A pack named by its sha256, as caches were before XXH3: stale, dropped, rewritten.
  packs = CacheFiles("reduce-pack");
  ASSERT_EQ(packs.size(), 1u);
  const fs::path legacy = packs[0].parent_path() / (packs[0].filename().string().substr(0, 65) +
                                                    store::Sha256OfFile(packs[0].string()) + ".parquet");
  fs::rename(packs[0], legacy);
  stats = CachedReads({out});
  EXPECT_EQ(stats.damaged, 1);
  EXPECT_EQ(Read(out, true), expected);
  EXPECT_FALSE(fs::exists(legacy));
  ASSERT_EQ(CacheFiles("reduce-pack").size(), 1u);

  // An index whose span keys are swapped (written whole, with its checksum line), then
  // one cut short: after a late append, each read still equals the one from scratch.
  const std::vector<fs::path> index = CacheFiles("reduce-pack-index");
  ASSERT_EQ(index.size(), 1u);
  const std::string index_key = index[0].stem().string();
  store::ResultCache results(dir_, store::RealDisk());
  std::vector<std::string> lines;
  {
    std::istringstream in(results.FindText("reduce-pack-index", index_key).value_or(""));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 2u + 3u);
  std::swap(lines[2], lines[3]);
  {
    std::string swapped;
    for (const auto& line : lines) swapped += line + "\n";
    ASSERT_TRUE(results.PutText("reduce-pack-index", index_key, swapped));
  }
  Write([&](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Batch(kStart + 40 * kDay + 7 * kMinute, 30, 48, 5, false));
  });
  stats = CachedReads({out});
  EXPECT_EQ(stats.parts_reused, 1);    // the third span; the second has the late rows
  EXPECT_EQ(stats.parts_computed, 2);  // and the first's key is not the one listed for it
  EXPECT_EQ(Read(out, true), Read(out, false));
  {
    std::ofstream o(index[0], std::ios::trunc);
    o << lines[0];  // no end of line: cut short
  }
  Write([&](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Batch(kStart + 20 * kDay + 7 * kMinute, 30, 48, 6, false));
  });
  stats = CachedReads({out});
  EXPECT_EQ(stats.parts_computed, 3);
  EXPECT_EQ(Read(out, true), Read(out, false));
}

TEST_F(ReduceCacheTest, ACacheThatCannotBeWrittenIsOnlySlower) {
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    t.AppendSeries("/raw/a.series", Batch(kStart, 15, 90 * 96, 1, false));
  });
  MknodReduce("/r", "/raw/*.series", "$0", "[1h, 1d]");
  std::ofstream(fs::path(dir_) / "cache") << "not a folder";  // even root cannot mkdir below
  for (const char* out : {"/r/a/res=1h.series", "/r/a/res=1d.series"})
    EXPECT_EQ(Read(out, true), Read(out, false)) << out;
  store::ResultCache::Stats stats = CachedReads({"/r/a/res=1h.series"});
  EXPECT_EQ(stats.written, 0);
  EXPECT_GT(stats.failed, 0);
}

TEST_F(ReduceCacheTest, MaintainDropsUnusedCacheFilesWhenNoReaderRuns) {
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    t.AppendSeries("/raw/a.series", Batch(kStart, 15, 90 * 96, 1, false));
  });
  MknodReduce("/r", "/raw/*.series", "$0", "[1h]");
  CachedReads({"/r/a/res=1h.series"});
  const size_t n = CacheFiles("reduce-pack").size() + CacheFiles("reduce-pack-index").size();
  ASSERT_EQ(n, 1u + 1u);  // the pack of three cold spans and its index
  {
    auto reader = store::Pond::OpenRead(dir_);
    auto writer = store::Pond::OpenWrite(dir_);
    EXPECT_FALSE(writer->SweepCache(0));  // a reader runs: nothing goes
  }
  auto writer = store::Pond::OpenWrite(dir_);
  std::optional<store::CacheSweep> kept = writer->SweepCache(int64_t{7} * kDay);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->files, 0);  // just used
  std::optional<store::CacheSweep> swept = writer->SweepCache(0);
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->files, static_cast<int64_t>(n));
  EXPECT_TRUE(CacheFiles("reduce-pack").empty());
  EXPECT_TRUE(CacheFiles("reduce-pack-index").empty());
}

// The files of an older pond's cache (runs and their indexes, before packs had their
// name) are never read again: the sweep drops them once unused for --cache-keep, and
// their folders with them.
TEST_F(ReduceCacheTest, MaintainDropsTheKindsOfAnOlderPond) {
  Write([&](store::Transaction& t) {
    t.Mkdir("/raw", false);
    t.AppendSeries("/raw/a.series", Batch(kStart, 15, 90 * 96, 1, false));
  });
  MknodReduce("/r", "/raw/*.series", "$0", "[1h]");
  CachedReads({"/r/a/res=1h.series"});
  const fs::path cache = fs::path(dir_) / "cache";
  fs::create_directories(cache / "reduce-run");
  fs::create_directories(cache / "reduce-index");
  std::ofstream(cache / "reduce-run" / "old.parquet") << "a run";
  std::ofstream(cache / "reduce-index" / "old.txt") << "an index\n";
  const auto week_ago = fs::file_time_type::clock::now() - std::chrono::hours(8 * 24);
  fs::last_write_time(cache / "reduce-run" / "old.parquet", week_ago);
  fs::last_write_time(cache / "reduce-index" / "old.txt", week_ago);
  auto writer = store::Pond::OpenWrite(dir_);
  std::optional<store::CacheSweep> swept = writer->SweepCache(int64_t{7} * kDay);
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->files, 2);
  EXPECT_FALSE(fs::exists(cache / "reduce-run"));
  EXPECT_FALSE(fs::exists(cache / "reduce-index"));
  EXPECT_EQ(CacheFiles("reduce-pack").size(), 1u);  // used just now: kept
}

TEST(ReduceCacheSpans, AreWholeBucketsCoveringFourWeeks) {
  EXPECT_EQ(SpanWidth(kHour), 28 * kDay);
  EXPECT_EQ(SpanWidth(kDay), 28 * kDay);
  EXPECT_EQ(SpanWidth(7 * kDay), 28 * kDay);
  EXPECT_EQ(SpanWidth(5 * kDay), 30 * kDay);   // six buckets
  EXPECT_EQ(SpanWidth(40 * kDay), 40 * kDay);  // one bucket
  EXPECT_EQ(SpanWidth(7 * kHour), 96 * 7 * kHour);
  EXPECT_EQ(SpanWidth(5 * kHour), 135 * 5 * kHour);  // 675 hours
  store::ResultCache results("/nonexistent", store::RealDisk());
  ReduceCache cache(results, 10);
  EXPECT_EQ(cache.SpanOf(0), 0);
  EXPECT_EQ(cache.SpanOf(19), 1);
  EXPECT_EQ(cache.SpanOf(-1), -1);  // before 1970 too
}

TEST(ReduceCacheSpans, ConsecutiveSpansFormStretches) {
  using S = std::vector<SpanStretch>;
  EXPECT_EQ(Stretches({}, true), S{});
  EXPECT_EQ(Stretches({1, 2, 3, 5, 7, 8}, false), (S{{1, 4}, {5, 6}, {7, 9}}));
  EXPECT_EQ(Stretches({1, 2, 3, 5, 7, 8}, true), (S{{1, 4}, {5, 6}, {7, std::nullopt}}));
  EXPECT_EQ(Stretches({-2, -1, 0}, true), (S{{-2, std::nullopt}}));
}

TEST(PackIndexTest, ReadsWhatItWritesAndNothingElse) {
  const std::string text = PackIndex::Format("pack", -3, {"k0", "k1", "k2"});
  EXPECT_EQ(text, "pack\n-3\nk0\nk1\nk2\n");
  const PackIndex index = PackIndex::Parse(text);
  EXPECT_EQ(index.pack, "pack");
  EXPECT_EQ(index.spans, (std::map<int64_t, std::string>{{-3, "k0"}, {-2, "k1"}, {-1, "k2"}}));
  EXPECT_FALSE(PackIndex::Parse(std::nullopt).pack);
  EXPECT_FALSE(PackIndex::Parse(text.substr(0, text.size() - 1)).pack);  // cut short
  EXPECT_FALSE(PackIndex::Parse("pack\n-3x\nk0\n").pack);                // a damaged number
  EXPECT_FALSE(PackIndex::Parse("pack\n").pack);
  EXPECT_EQ(PackIndex::Parse("pack\n7\n").spans.size(), 0u);  // no cold span listed
}

// Texts are not fsynced: one a crash cut short or damaged reads as missing, never as
// the part that is left.
TEST_F(ReduceCacheTest, ATextCutShortOrDamagedReadsAsMissing) {
  store::ResultCache results(dir_, store::RealDisk());
  ASSERT_TRUE(results.PutText("k", "key", "line one\n2\n"));
  EXPECT_EQ(results.FindText("k", "key"), "line one\n2\n");
  const std::string file = dir_ + "/cache/k/key.txt";
  const auto write = [&](const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
  };
  const std::string whole = ReadHostFile(file, "text");
  for (size_t keep : {size_t{0}, size_t{5}, whole.size() - 1}) {
    write(whole.substr(0, keep));
    EXPECT_FALSE(results.FindText("k", "key")) << keep;
  }
  std::string damaged = whole;
  damaged[3] ^= 1;
  write(damaged);
  EXPECT_FALSE(results.FindText("k", "key"));
  write("line one\n2\n");  // a text from before the checksum line
  EXPECT_FALSE(results.FindText("k", "key"));
}

// A pack and its index written through a Disk that fails at write point k, for every
// k: each is whole under its name or absent (no temporary left), the next writer
// succeeds, and what a reader then finds is the pack the index names.
TEST_F(ReduceCacheTest, APackAndItsIndexAreWholeOrAbsentWhicheverWritePointFails) {
  auto pond = store::Pond::OpenRead(dir_);
  const fs::path cache_dir = fs::path(dir_) / "cache";
  // 60 days of hourly buckets: three spans, the last one hot.
  const std::string rows =
      "(SELECT TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR AS \"timestamp\", i * 0.25 AS v "
      "FROM range(60 * 24) t(i))";
  const std::string output_key = store::Sha256Hex("output"), pack_key = store::Sha256Hex("pack");
  ReduceCache::NewPack pack{"/r", output_key, pack_key, 0, 0, {}, "\"timestamp\", v"};
  auto write = [&](store::Disk& disk) {
    store::ResultCache results(dir_, disk);
    ReduceCache cache(results, SpanWidth(kHour));
    pack.first = cache.SpanOf(kStart);
    pack.hot = cache.SpanOf(kStart + 60 * kDay - kHour);
    pack.span_keys.clear();
    for (int64_t k = pack.first; k < pack.hot; ++k)
      pack.span_keys.push_back("span" + std::to_string(k));
    return cache.WritePack(pond->sql(), pack, [&](int64_t from_us, const auto& stretches) {
      return "(SELECT * FROM " + rows + " WHERE \"timestamp\" >= make_timestamp(" +
             std::to_string(from_us) + ") AND " + cache.InStretches("\"timestamp\"", stretches) +
             ")";
    });
  };
  store::FaultDisk counting(store::RealDisk(), 0, store::FaultMode::kError);
  ASSERT_TRUE(write(counting));
  const int points = counting.points();
  // The pack: two folders, the COPY's two points, fsync, rename; the index: two
  // folders, write, rename (a text is not fsynced: ResultCache::PutText).
  EXPECT_EQ(points, 6 + 4);
  const std::string index_text = PackIndex::Format(pack_key, pack.first, pack.span_keys);
  for (int k = 1; k <= points; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    fs::remove_all(cache_dir);
    store::FaultDisk faulty(store::RealDisk(), k, store::FaultMode::kError);
    const bool written = write(faulty).has_value();
    EXPECT_EQ(written, k > 6);  // failing to write the index is only a debug line
    const std::vector<fs::path> packs = CacheFiles("reduce-pack");
    EXPECT_EQ(packs.size(), written ? 1u : 0u);
    for (const auto& f : packs)
      EXPECT_EQ(f.filename().string().substr(65, 32), store::Xxh3OfFile(f.string()));
    EXPECT_TRUE(CacheFiles("reduce-pack-index").empty());
    EXPECT_TRUE(CacheFiles("tmp").empty());
    // The next writer completes both.
    ASSERT_TRUE(write(store::RealDisk()));
    const std::vector<fs::path> index = CacheFiles("reduce-pack-index");
    ASSERT_EQ(index.size(), 1u);
    store::ResultCache results(dir_, store::RealDisk());
    EXPECT_EQ(results.FindText("reduce-pack-index", output_key), index_text);
    EXPECT_TRUE(ReduceCache(results, SpanWidth(kHour)).FindPack(pack_key, output_key));
  }
}

}  // namespace
}  // namespace pond::factories
