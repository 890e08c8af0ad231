// `pond maintain` and the merged layout of series through the `pond` binary: appends
// merge by the tiered policy, maintain merges the rest, and no read at any --at
// changes, not even when maintain is killed at any of its write points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

using ::testing::HasSubstr;

class Maintain : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    // 13 appends of two readings; the 7th reaches back before all others (late data)
    // and from the 10th on a column `depth` appears.
    for (int k = 1; k <= 13; ++k) {
      const int day = k == 7 ? 0 : k;
      std::string csv = k >= 10 ? "timestamp,v,depth\n" : "timestamp,v\n";
      for (int i = 0; i < 2; ++i) {
        csv += "2024-07-" + std::string(day + 1 < 10 ? "0" : "") + std::to_string(day + 1) +
               " 0" + std::to_string(i) + ":00:00," + std::to_string(k * 10 + i);
        csv += k >= 10 ? "," + std::to_string(k) + ".5\n" : "\n";
      }
      WriteFile(tmp_.path() / "v.csv", csv);
      Ok({"copy", tmp_ / "v.csv", "/raw/s.series", "--format", "series"});
      seqs_.push_back(LastSeq());
    }
  }
  int64_t LastSeq() {
    return nlohmann::json::parse(Ok({"--json", "log", "--limit", "1"}))[0]["seq"].get<int64_t>();
  }
  // Every read this test compares: the series at the latest and at each append.
  std::string Reads() {
    std::string all = Ok({"cat", "/raw/s.series", "--format", "csv"});
    for (int64_t seq : seqs_)
      all += Ok({"--at", std::to_string(seq), "cat", "/raw/s.series", "--format", "csv"});
    return all;
  }
  // How many distinct blobs a read of the series at the latest view opens (its SQL is
  // in the debug log).
  int BlobsRead() {
    RunResult r = P({"cat", "/raw/s.series"}, {{"POND_LOG", "debug"}});
    std::set<std::string> blobs;
    static const std::regex kBlob("/blobs/[0-9a-f]{2}/[0-9a-f]{64}\\.parquet");
    for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), kBlob);
         it != std::sregex_iterator(); ++it)
      blobs.insert(it->str());
    return static_cast<int>(blobs.size());
  }

  std::vector<int64_t> seqs_;
};

TEST_F(Maintain, AppendsMergeAndMaintainMergesTheRestWithoutChangingAnyRead) {
  const std::string before = Reads();
  EXPECT_THAT(before, HasSubstr("2024-07-01 00:00:00,70,\n"));  // the late version, first
  // 13 versions: three merges of four by the appends, and the 13th alone.
  EXPECT_EQ(BlobsRead(), 4);
  EXPECT_EQ(Ok({"maintain"}), "compacted 1 series (1 merges) in transaction " +
                                  std::to_string(seqs_.back() + 1) + "\n");
  EXPECT_EQ(BlobsRead(), 1);
  EXPECT_EQ(Reads(), before);
  EXPECT_THAT(Ok({"log", "--limit", "1"}), HasSubstr("maintain"));
  EXPECT_THAT(Ok({"describe", "/raw/s.series"}), HasSubstr("versions: 13 (latest v13"));
  EXPECT_THAT(Ok({"check"}), ::testing::EndsWith("ok\n"));
  EXPECT_EQ(Ok({"maintain"}), "nothing to compact\n");
}

// The original's command line (docs/original.md) runs as it is and does what a plain
// maintain does; a threshold that is not a positive number is a usage error.
TEST_F(Maintain, TheOriginalsCompactFlagsAreAccepted) {
  const std::string before = Reads();
  const std::string log = Ok({"log"});
  for (const char* bad : {"0", "-3", "many"}) {
    RunResult r = P({"maintain", "--compact", "--collapse-versions", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--collapse-versions")) << bad;
  }
  EXPECT_EQ(Ok({"log"}), log);
  EXPECT_EQ(Ok({"maintain", "--compact", "--collapse-versions", "100"}),
            "compacted 1 series (1 merges) in transaction " + std::to_string(seqs_.back() + 1) +
                "\n");
  EXPECT_EQ(BlobsRead(), 1);
  EXPECT_EQ(Reads(), before);
  EXPECT_EQ(Ok({"maintain", "--compact"}), "nothing to compact\n");
}

TEST_F(Maintain, KilledAtAnyWritePointChangesNoRead) {
  const std::string before = Reads();
  int k = 1;
  for (;; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    ASSERT_LT(k, 40);
    RunResult r = P({"maintain"}, {{"POND_FAULT_AT", std::to_string(k)},
                                   {"POND_FAULT_MODE", "crash"}});
    if (r.exit_code == 0) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    EXPECT_EQ(Reads(), before);
    RunResult check = P({"check", "--repair"});
    EXPECT_EQ(check.exit_code, 0) << check.out;
  }
  EXPECT_GE(k, 6);
  EXPECT_EQ(Reads(), before);
  EXPECT_EQ(BlobsRead(), 1);
}

int64_t BlobBytes(const std::string& dir) {
  int64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/blobs"))
    if (e.is_regular_file()) bytes += static_cast<int64_t>(e.file_size());
  return bytes;
}

// --keep-txns moves the horizon: views from it on read as before, older ones fail
// naming it, and the blobs only they read are gone; tables and data files too.
TEST_F(Maintain, KeepTxnsDropsWhatOnlyOlderViewsRead) {
  WriteFile(tmp_.path() / "t.csv", "site,depth\nBDock,3\n");
  Ok({"copy", tmp_ / "t.csv", "/raw/sites.table", "--format", "table"});
  WriteFile(tmp_.path() / "t.csv", "site,depth\nBDock,4\n");
  Ok({"copy", tmp_ / "t.csv", "/raw/sites.table", "--format", "table"});
  const std::string series = Ok({"cat", "/raw/s.series", "--format", "csv"});
  const std::string at_last_append =
      Ok({"--at", std::to_string(seqs_.back()), "cat", "/raw/s.series", "--format", "csv"});
  const std::string table = Ok({"cat", "/raw/sites.table", "--format", "csv"});
  const int64_t bytes = BlobBytes(dir_);

  // The newest 4 transactions: the last append, both table writes and maintain itself.
  const std::string out = Ok({"maintain", "--keep-txns", "4"});
  const int64_t horizon = LastSeq() - 3;
  EXPECT_EQ(horizon, seqs_.back());
  // The series' view at the horizon is its latest: its blobs stay as they are, shared
  // (merging them would keep the rows twice), and what only older views read goes.
  EXPECT_THAT(out, ::testing::StartsWith("compacted nothing; horizon " + std::to_string(horizon) +
                                         "; deleted "));
  EXPECT_LT(BlobBytes(dir_), bytes);
  EXPECT_EQ(Ok({"cat", "/raw/s.series", "--format", "csv"}), series);
  EXPECT_EQ(Ok({"--at", std::to_string(horizon), "cat", "/raw/s.series", "--format", "csv"}),
            at_last_append);
  EXPECT_EQ(Ok({"cat", "/raw/sites.table", "--format", "csv"}), table);
  EXPECT_THAT(Ok({"describe", "/raw/s.series"}), HasSubstr("versions: 13 (latest v13"));
  for (int64_t old : {seqs_.front(), horizon - 1}) {
    RunResult r = P({"--at", std::to_string(old), "cat", "/raw/s.series"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "pond: error: transaction " + std::to_string(old) +
                         " is older than the retention horizon " + std::to_string(horizon) +
                         " (pond maintain --keep-txns/--keep)\n");
  }
  RunResult check = P({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.out;
  // The horizon never moves back.
  EXPECT_EQ(Ok({"maintain", "--keep-txns", "100"}), "nothing to compact\n");
}

// Blobs are not deleted under a running reader: maintain leaves them, the reader
// reads its snapshot whole, and the next maintain deletes them.
TEST_F(Maintain, ARunningReaderDefersDeletion) {
  std::string csv = "timestamp,w\n";
  for (int i = 0; i < 20000; ++i)
    csv += "2025-01-01 00:00:00," + std::to_string(i) + "\n";
  WriteFile(tmp_.path() / "big.csv", csv);
  Ok({"copy", tmp_ / "big.csv", "/raw/big.series", "--format", "series"});
  const std::string big = Ok({"cat", "/raw/big.series", "--format", "csv"});
  Background reader({"--at", std::to_string(seqs_.back()), "cat", "/raw/s.series"}, Env());
  Background big_reader({"cat", "/raw/big.series", "--format", "csv"}, Env());
  for (int i = 0; i < 6000 && !big_reader.HasOutput(); ++i) ::usleep(10000);
  ASSERT_TRUE(big_reader.Running());
  const std::string out = Ok({"maintain", "--keep-txns", "1"});
  EXPECT_THAT(out, HasSubstr("blobs left while a reader runs (the next maintain deletes them)"));
  RunResult seen = big_reader.Finish();
  EXPECT_EQ(seen.out, big);
  EXPECT_EQ(reader.Finish().exit_code, 0);
  const int64_t bytes = BlobBytes(dir_);
  EXPECT_THAT(Ok({"maintain"}), ::testing::StartsWith("nothing to compact; deleted "));
  EXPECT_LT(BlobBytes(dir_), bytes);
  EXPECT_EQ(Ok({"cat", "/raw/big.series", "--format", "csv"}), big);
  EXPECT_EQ(P({"check"}).exit_code, 0);
}

TEST_F(Maintain, BadRetentionOptionsAreUsageErrorsAndChangeNothing) {
  const std::string log = Ok({"log"});
  RunResult r = P({"maintain", "--keep", "90x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "pond: error: expected a duration such as 90d, 12h, 30m, 45s or 2w (--keep 90x)\n");
  r = P({"maintain", "--keep", "1d", "--keep-txns", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--keep"));
  EXPECT_EQ(Ok({"log"}), log);
  // --keep of a long window keeps everything: only the compaction commits.
  EXPECT_THAT(Ok({"maintain", "--keep", "3650d"}),
              ::testing::MatchesRegex("compacted 1 series \\(1 merges\\) in transaction [0-9]+\n"));
}

}  // namespace
}  // namespace pond::testing
