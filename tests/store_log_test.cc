// file:log through the binary (docs/append-only.md): `copy --format log` mirrors a
// growing host file; after every copy `cat` is the host file and `describe` shows what
// `b3sum` prints for it; a rewritten file is refused with the pond unchanged;
// `maintain` merges, `--at` reads what it did, copy-out, `check` and oteljson read it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/otlp_lines.h"
#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class StoreLog : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/logs"});
    host_ = Host("app.log", "");
  }
  void Grow(const std::string& bytes) {
    std::ofstream(host_, std::ios::binary | std::ios::app) << bytes;
  }
  std::string Copy() { return Ok({"copy", "--format", "log", host_, "/logs/app.log"}); }
  std::string B3sum() { return testing::Run("b3sum", {"--no-names", host_}).out.substr(0, 64); }
  // `cat` is the host file, `describe` its size and b3sum.
  void ExpectMirrorsHost(const std::string& path = "/logs/app.log") {
    EXPECT_TRUE(Ok({"cat", path}) == ReadFile(host_)) << "cat differs from the host file";
    const std::string d = Ok({"describe", path});
    EXPECT_THAT(d, HasSubstr("  size: " + std::to_string(fs::file_size(host_)) + " bytes\n"));
    EXPECT_THAT(d, HasSubstr("  blake3: " + B3sum() + "\n"));
  }
  static std::string Lines(int first, int count) {
    std::string out;
    for (int i = first; i < first + count; ++i) out += "line " + std::to_string(i) + " ........\n";
    return out;
  }
  std::string host_;
};

// A log growing as a collector's does: 40 KB, +40 KB, +10 lines, no change, +10 MB, +100 lines.
TEST_F(StoreLog, CopiesMirrorAGrowingFile) {
  EXPECT_EQ(Copy(), "copied 1 file (0 bytes) in transaction 3\n");
  std::vector<std::pair<int64_t, std::string>> views{{3, ""}};
  for (const auto& [step, lines] : std::vector<std::pair<int, int>>{
           {0, 2000}, {2000, 2000}, {4000, 10}, {4010, 0}, {4010, 500000}, {504010, 100}}) {
    SCOPED_TRACE("+" + std::to_string(lines) + " lines");
    Grow(Lines(step, lines));
    const std::string before = Ok({"log", "--limit", "1"});
    const std::string out = Copy();
    if (lines == 0) {
      EXPECT_EQ(out, "no new bytes\n");
      EXPECT_EQ(Ok({"log", "--limit", "1"}), before) << "nothing committed";
    } else {
      EXPECT_THAT(out, ::testing::MatchesRegex("copied 1 file \\([0-9]+ bytes\\) in transaction "
                                               "[0-9]+\n"));
      views.emplace_back(views.back().first + 1, ReadFile(host_));
    }
    ExpectMirrorsHost();
  }
  for (const auto& [seq, bytes] : views)
    EXPECT_TRUE(Ok({"--at", std::to_string(seq), "cat", "/logs/app.log"}) == bytes) << seq;
  EXPECT_THAT(Ok({"list", "-l", "/logs/app.log"}),
              ::testing::MatchesRegex("file:log +6 +" + std::to_string(fs::file_size(host_)) +
                                      " .* /logs/app.log\n"));
  EXPECT_THAT(Ok({"check"}), ::testing::EndsWith("\nok\n"));
}

// Rewritten larger and different, no archive: refused, the pond unchanged.
TEST_F(StoreLog, ARewrittenFileIsRefusedAndThePondKeepsTheOldBytes) {
  Grow(Lines(0, 50));
  Copy();
  const std::string before = Ok({"cat", "/logs/app.log"}) + Ok({"log"});
  WriteFile(host_, "another file altogether\n" + Lines(0, 60));
  RunResult r = P({"copy", "--format", "log", host_, "/logs/app.log"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string had = std::to_string(Lines(0, 50).size());
  EXPECT_EQ(r.err, "pond: error: the first " + had +
                       " bytes are not the ones /logs/app.log holds "
                       "(BLAKE3 differs) (" +
                       host_ + ")\n");
  EXPECT_EQ(Ok({"cat", "/logs/app.log"}) + Ok({"log"}), before);
  WriteFile(host_, Lines(0, 10));
  r = P({"copy", "--format", "log", host_, "/logs/app.log"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: host file has " + std::to_string(Lines(0, 10).size()) +
                       " bytes, fewer than the " + had + " of /logs/app.log (" + host_ + ")\n");
  EXPECT_EQ(Ok({"cat", "/logs/app.log"}) + Ok({"log"}), before);
  EXPECT_EQ(Ok({"check"}), "checked 1 version, 1 blob, 3 nodes\nok\n");
  // Another kind is not appended to, nor is a log replaced.
  Ok({"copy", host_, "/logs/data.txt"});
  r = P({"copy", "--format", "log", host_, "/logs/data.txt"});
  EXPECT_EQ(r.err, "pond: error: existing node is file:data, not file:log (/logs/data.txt)\n");
  r = P({"copy", host_, "/logs/app.log"});
  EXPECT_EQ(r.err, "pond: error: existing node is file:log, not file:data (/logs/app.log)\n");
}

// Rotation as the factory will do it: the pond's copy renamed with its history,
// the new file copied afresh, later appends on both.
TEST_F(StoreLog, ARenameKeepsHistory) {
  Grow(Lines(0, 10));
  Copy();
  Grow(Lines(10, 10));
  Copy();
  fs::rename(host_, host_ + ".1");
  Ok({"mv", "/logs/app.log", "/logs/app.log.1"});
  Grow(Lines(100, 30));
  Copy();
  EXPECT_TRUE(Ok({"cat", "/logs/app.log.1"}) == ReadFile(host_ + ".1"));
  ExpectMirrorsHost();
  EXPECT_THAT(Ok({"describe", "/logs/app.log.1"}), HasSubstr("versions: 2 "));
  EXPECT_EQ(Ok({"--at", "4", "cat", "/logs/app.log"}), Lines(0, 20));
}

// Hundreds of hourly copies: reads stay the host file through tiered merges;
// `maintain` makes one blob and every --at view reads what it did; retention keeps
// what the kept views read; copy-out writes the host file.
TEST_F(StoreLog, MaintainCompactsAndRetentionKeepsTheViews) {
  std::vector<std::pair<int64_t, std::string>> views;
  for (int i = 0; i < 70; ++i) {
    Grow(Lines(i * 3, 3));
    Copy();
    if (i % 10 == 0) views.emplace_back(3 + i, ReadFile(host_));
  }
  ExpectMirrorsHost();
  EXPECT_EQ(Ok({"maintain"}), "compacted 1 log (1 merges) in transaction 73\n");
  EXPECT_EQ(Ok({"maintain"}), "nothing to compact\n");
  ExpectMirrorsHost();
  for (const auto& [seq, bytes] : views)
    EXPECT_TRUE(Ok({"--at", std::to_string(seq), "cat", "/logs/app.log"}) == bytes) << seq;
  EXPECT_THAT(Ok({"maintain", "--keep-txns", "2"}),
              ::testing::StartsWith("compacted nothing; horizon 73; deleted "));
  ExpectMirrorsHost();
  EXPECT_EQ(P({"--at", "72", "cat", "/logs/app.log"}).exit_code, 1);
  EXPECT_THAT(Ok({"check"}), ::testing::EndsWith("\nok\n"));
  Ok({"copy", "/logs/*", "host://" + (tmp_ / "out")});
  EXPECT_TRUE(ReadFile(tmp_ / "out/logs/app.log") == ReadFile(host_));
  Grow(Lines(1000, 1));
  Copy();
  ExpectMirrorsHost();
}

// An OTLP log appended hour by hour reads through oteljson:/// as one file, however
// many blobs hold it.
TEST_F(StoreLog, OteljsonReadsALogInSeveralBlobs) {
  OtlpGauges spec;
  spec.gauges = 2;
  spec.lines = 6;
  for (int64_t i = 0; i < spec.lines; ++i) {
    Grow(OtlpLine(spec, i) + "\n");
    Copy();
  }
  EXPECT_EQ(Ok({"cat", "oteljson:///logs/app.log", "--sql",
                "SELECT count(*) AS n, sum(gauge_01) AS s FROM series", "--format", "csv"}),
            "n,s\n6,7.875\n");
}

}  // namespace
}  // namespace pond::testing
