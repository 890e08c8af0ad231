// The physical layout of series (layout.h): thousands of appended versions read back
// equal to the same rows written once, at the latest view and at older ones, before
// and after compaction, with late data and a column added on the way.
#include "store/layout.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "base/error.h"
#include "store/pond.h"
#include "store/pond_impl.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;

TEST(LayoutPolicy, CoverPrefersTheLongestSegmentAndBandsMergeByFours) {
  std::vector<VersionInfo> v(9);
  for (int i = 0; i < 9; ++i) {
    v[i].version = i + 1;
    v[i].blob = "v" + std::to_string(i + 1);
    v[i].rows = 1;
  }
  auto segment = [](int first, int last, const std::string& blob) {
    Segment s;
    s.first_version = first;
    s.last_version = last;
    s.blob = blob;
    s.rows = last - first + 1;
    return s;
  };
  std::vector<Segment> segs = {segment(1, 4, "s1-4"), segment(1, 8, "s1-8"),
                               segment(5, 8, "s5-8")};
  auto pieces = Cover(VersionList(v), segs);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].blob, "s1-8");
  EXPECT_EQ(pieces[1].blob, "v9");
  // A view of versions 1..6 cannot use segments reaching past 6.
  auto older = Cover(VersionList({v.begin(), v.begin() + 6}), segs);
  ASSERT_EQ(older.size(), 3u);
  EXPECT_EQ(older[0].blob, "s1-4");
  EXPECT_EQ(older[1].blob, "v5");

  auto piece = [](int first, int last, int64_t rows) {
    Piece p;
    p.first_version = first;
    p.last_version = last;
    p.rows = rows;
    return p;
  };
  std::vector<Piece> tail = {piece(1, 16, 16), piece(17, 20, 4), piece(21, 21, 1),
                             piece(22, 22, 1), piece(23, 23, 1), piece(24, 24, 1)};
  auto m = NextMerge(tail);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, 2u);
  EXPECT_EQ(m->second, 6u);
  tail.resize(5);
  EXPECT_FALSE(NextMerge(tail));  // three of band 0 wait for a fourth
  std::vector<Piece> sealed = {piece(1, 1, kSealedRows), piece(2, 2, 1), piece(3, 3, 1),
                               piece(4, 4, 1)};
  EXPECT_FALSE(NextMerge(sealed));  // a sealed piece is never merged again
}

class ManyVersions : public ::testing::Test {
 protected:
  void SetUp() override {
    // Memory-backed when there is one: ten thousand blob files created and renamed
    // cost a disk file system more than the test's own work.
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                                                            : fs::temp_directory_path();
    root_ = base / ("pond-layout-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    dir_ = (root_ / "pond").string();
    Pond::Init(dir_, {"pond", "init"}, {}, &disk_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Version k (1-based) holds two rows; every 97th version reaches back a day (late
  // data), and from version kExtraFrom on the versions carry a column `extra`.
  static constexpr int kExtraFrom = 1500;
  static std::string VersionSql(int k) {
    const int base = (k % 97 == 0) ? (k - 96) * 15 : k * 15;  // minutes
    std::string sql = fmt::format(
        "SELECT TIMESTAMP '2024-01-01' + to_minutes({} + i * 5) AS \"timestamp\", "
        "{} * 10 + i AS v",
        base, k);
    if (k >= kExtraFrom) sql += fmt::format(", 'e{}' AS extra", k);
    return sql + " FROM range(2) r(i)";
  }
  // The rows of versions 1..n as one statement, in read order.
  static std::string ExpectedSql(int n) {
    return fmt::format(
        "SELECT \"timestamp\", v, extra FROM (SELECT TIMESTAMP '2024-01-01' + "
        "to_minutes(CASE WHEN k % 97 = 0 THEN (k - 96) * 15 ELSE k * 15 END + i * 5) AS "
        "\"timestamp\", k * 10 + i AS v, CASE WHEN k >= {} THEN 'e' || k END AS extra, k, i "
        "FROM range(1, {}) a(k), range(2) r(i)) ORDER BY \"timestamp\", k, i",
        kExtraFrom, n + 1);
  }
  // Appends versions from..to, `per_txn` in each transaction; returns the last seq.
  int64_t Append(int from, int to, int per_txn) {
    int64_t seq = 0;
    for (int k = from; k <= to;) {
      auto pond = Pond::OpenWrite(dir_, &disk_);
      auto txn = pond->Begin({"pond", "test"}, {});
      for (int j = 0; j < per_txn && k <= to; ++j, ++k)
        txn->AppendSeries("/s.series", {VersionSql(k), "version " + std::to_string(k), ""});
      txn->Commit();
      seq = txn->seq();
    }
    return seq;
  }
  static std::vector<std::string> Lines(engine::Result r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows()) {
      std::string line;
      for (const auto& v : row) line += (line.empty() ? "" : ",") + v.ToString();
      out.push_back(std::move(line));
    }
    return out;
  }
  // What the pond reads at `at`, next to what versions 1..n give written at once.
  void ExpectReadsAsOne(std::optional<int64_t> at, int n) {
    SCOPED_TRACE("at " + (at ? std::to_string(*at) : std::string("latest")));
    auto pond = Pond::OpenRead(dir_, at);
    const NodeInfo node = pond->Get("/s.series");
    ASSERT_EQ(static_cast<int>(node.versions.size()), n);
    const bool extra = n >= kExtraFrom;
    auto got = Lines(pond->sql().Query("SELECT \"timestamp\", v, " +
                                       std::string(extra ? "extra" : "NULL") + " FROM " +
                                       pond->RelationSql(node)));
    auto want = Lines(pond->sql().Query(ExpectedSql(n)));
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i;
  }

  // The blob files a view reads, in read order.
  std::vector<std::string> BlobsRead(std::optional<int64_t> at) {
    auto pond = Pond::OpenRead(dir_, at);
    const std::string sql = pond->RelationSql(pond->Get("/s.series"));
    std::vector<std::string> out;
    for (size_t at_blob = sql.find(dir_ + "/blobs/"); at_blob != std::string::npos;
         at_blob = sql.find(dir_ + "/blobs/", at_blob + 1)) {
      std::string path = sql.substr(at_blob, sql.find('\'', at_blob) - at_blob);
      // The list of files comes first; an ORDER BY may name them again.
      if (std::find(out.begin(), out.end(), path) != out.end()) break;
      out.push_back(std::move(path));
    }
    return out;
  }

  NoSyncDisk disk_;
  fs::path root_;
  std::string dir_;
};

TEST_F(ManyVersions, TenThousandAppendsReadAsTheSameRowsWrittenOnce) {
  const int64_t at_300 = Append(1, 300, 10);
  const int64_t at_1600 = Append(301, 1600, 100);
  const int64_t at_10000 = Append(1601, 10000, 200);
  ExpectReadsAsOne(std::nullopt, 10000);
  ExpectReadsAsOne(at_300, 300);
  ExpectReadsAsOne(at_1600, 1600);
  ExpectReadsAsOne(at_10000 - 1, 9800);
  {
    auto pond = Pond::OpenRead(dir_);
    const NodeInfo node = pond->Get("/s.series");
    auto cover = Cover(node.versions, {});
    EXPECT_EQ(cover.size(), 10000u);  // without segments: one blob a version
    // With them: at most 3 pieces per band of 4^k versions.
    auto sql = pond->RelationSql(node);
    size_t blobs = 0;
    for (size_t at = sql.find("/blobs/"); at != std::string::npos; at = sql.find("/blobs/", at + 1))
      ++blobs;
    EXPECT_LE(blobs, 3u * 7) << sql.substr(0, 400);
  }
  // A full compaction changes no read, at any view.
  {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "maintain"}, {});
    EXPECT_GE(txn->Compact("/s.series"), 1);
    txn->Commit();
  }
  ExpectReadsAsOne(std::nullopt, 10000);
  ExpectReadsAsOne(at_300, 300);
  ExpectReadsAsOne(at_1600, 1600);
  {
    auto pond = Pond::OpenRead(dir_);
    const std::string sql = pond->RelationSql(pond->Get("/s.series"));
    EXPECT_EQ(sql.find("/blobs/"), sql.rfind("/blobs/")) << "one blob after compaction";
  }
  // Retention: history from the second-to-last append on stays readable; the rest goes.
  int64_t bytes_before = 0, bytes_after = 0, once = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
    if (e.is_regular_file()) bytes_before += static_cast<int64_t>(e.file_size());
  {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "maintain", "--keep-txns", "3"}, {});
    txn->SetHorizon(at_10000 - 1);
    txn->Commit();
    txn.reset();
    EXPECT_GT(pond->DeleteUnneededBlobs().blobs, 0);
  }
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
    if (e.is_regular_file()) bytes_after += static_cast<int64_t>(e.file_size());
  ExpectReadsAsOne(std::nullopt, 10000);
  ExpectReadsAsOne(at_10000 - 1, 9800);
  EXPECT_THROW(Pond::OpenRead(dir_, at_1600), Error);
  {
    // The data stored once: the compacted segment the latest view reads.
    auto pond = Pond::OpenRead(dir_);
    const std::string sql = pond->RelationSql(pond->Get("/s.series"));
    const size_t at = sql.find(dir_ + "/blobs/");
    once = static_cast<int64_t>(fs::file_size(sql.substr(at, sql.find('\'', at) - at)));
  }
  EXPECT_LT(bytes_after, bytes_before / 2);
  EXPECT_LE(bytes_after, 3 * once) << "kept " << bytes_after << " bytes for " << once
                                    << " bytes of data";
  std::fprintf(stderr, "blob bytes: %lld before retention, %lld after, data once %lld\n",
               static_cast<long long>(bytes_before), static_cast<long long>(bytes_after),
               static_cast<long long>(once));
}

// The cover a read uses (catalog::LoadCover: a lookup or two per piece) is layout's
// Cover() over every visible version and segment, at every view: through tiered
// merges, a full compaction in the middle, and appends after it.
TEST_F(ManyVersions, IndexedCoverIsTheCoverOfEveryView) {
  Append(1, 150, 3);
  {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "maintain"}, {});
    txn->Compact("/s.series");
    txn->Commit();
  }
  const int64_t last = Append(151, 230, 1);
  auto pond = Pond::OpenRead(dir_);
  sqlite::Db& db = CatalogOf(*pond);
  const int64_t id = pond->Get("/s.series").id;
  int views = 0;
  for (int64_t seq = 2; seq <= last; ++seq) {
    auto versions = catalog::LoadVersions(db, seq, id)[id];
    if (versions.empty()) continue;
    const int n = versions.back().version;
    auto want = Cover(VersionList(std::move(versions)), catalog::LoadSegments(db, id, seq));
    auto got = catalog::LoadCover(db, id, seq, n);
    ASSERT_EQ(got.size(), want.size()) << "at " << seq;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].blob, want[i].blob) << "at " << seq << ", piece " << i;
      EXPECT_EQ(got[i].first_version, want[i].first_version);
      EXPECT_EQ(got[i].last_version, want[i].last_version);
      EXPECT_EQ(got[i].rows, want[i].rows);
      EXPECT_EQ(got[i].min_ts, want[i].min_ts);
      EXPECT_EQ(got[i].max_ts, want[i].max_ts);
      EXPECT_EQ(got[i].ts_nulls, want[i].ts_nulls);
    }
    auto latest = catalog::LatestVersion(db, seq, id);
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->version, n);
    ++views;
  }
  EXPECT_EQ(views, 50 + 80 + 1);  // 50 transactions of 3, the compaction, 80 of 1
}

// maintain with a horizon merges only what the latest view does not share with the
// view at the horizon: both read the same leading blobs, so retention keeps the rows
// about once, not once for each view.
TEST_F(ManyVersions, CompactionSharesTheHorizonViewsBlobs) {
  const int64_t horizon = Append(1, 300, 10);
  Append(301, 340, 2);
  const std::vector<std::string> then = BlobsRead(horizon);
  ASSERT_GT(then.size(), 1u);
  {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "maintain", "--keep-txns", "21"}, {});
    EXPECT_EQ(txn->Compact("/s.series", horizon), 1);
    txn->SetHorizon(horizon);
    txn->Commit();
    txn.reset();
    EXPECT_GT(pond->DeleteUnneededBlobs().blobs, 0);
  }
  const std::vector<std::string> now = BlobsRead(std::nullopt);
  size_t shared = 0;
  while (shared < now.size() && shared < then.size() && now[shared] == then[shared]) ++shared;
  EXPECT_GE(shared, 1u);
  EXPECT_EQ(now.size(), shared + 1) << "the shared blobs, then one merged tail";
  ExpectReadsAsOne(std::nullopt, 340);
  ExpectReadsAsOne(horizon, 300);
  // Nothing else holds the shared rows again: the tail starts after them.
  auto pond = Pond::OpenRead(dir_);
  int64_t read_now = 0;
  for (const auto& path : now)
    read_now += pond->sql().Query("SELECT count(*) FROM read_parquet('" + path + "')").at(0, 0)
                    .as_int();
  EXPECT_EQ(read_now, 340 * 2);
}

}  // namespace
}  // namespace pond::store
