// `pond maintain` and the merged layout of series through the `pond` binary: appends
// merge by the tiered policy, maintain merges the rest, and no read at any --at
// changes, not even when maintain is killed at any of its write points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

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

}  // namespace
}  // namespace pond::testing
