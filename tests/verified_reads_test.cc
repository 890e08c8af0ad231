// Verified reads (issue 18, docs/storage.md "Verified reads"): a blob whose bytes are not
// the ones committed (a flipped byte, a truncated or deleted file) is never read as
// data. cat, export, copy-out and dynamic nodes fail with one line naming the blob and
// the pond path, suggesting `pond check`; nothing is written; POND_VERIFY=off salvages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class VerifiedReads : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    WriteFile(tmp_.path() / "a.csv", "timestamp,v\n2024-07-01 00:00:00,1.5\n2024-07-01 01:00:00,2.5\n");
    WriteFile(tmp_.path() / "d.txt", "Hello world\n");
    WriteFile(tmp_.path() / "derived.yaml", "patterns: {a: /raw/a.series}\nquery: SELECT * FROM a\n");
    Ok({"copy", tmp_ / "a.csv", "/raw/a.series", "--format", "series"});
    Ok({"copy", tmp_ / "d.txt", "/raw/d.txt"});
    Ok({"mknod", "sql-derived-series", "/derived", "--config", tmp_ / "derived.yaml"});
  }
  RunResult P(const std::vector<std::string>& args,
              std::map<std::string, std::string> env = {}) {
    env["POND"] = dir_;
    return Pond(args, env);
  }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // The blob of the latest version of `path`, relative to the pond and as a host path.
  std::string BlobOf(const std::string& path, const std::string& extension) {
    auto j = nlohmann::json::parse(Ok({"describe", "--json", path}), nullptr, false);
    if (j.is_array()) j = j.at(0);
    const std::string hash = j.at("versions").back().at("blob");
    return "blobs/" + hash.substr(0, 2) + "/" + hash + extension;
  }
  // Runs a read that must fail: exit 1 and exactly `error` as the one stderr line.
  void Fails(const std::vector<std::string>& args, const std::string& error) {
    SCOPED_TRACE(args.front());
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "pond: error: " + error + "\n");
    EXPECT_EQ(r.out, "");
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

std::string Damaged(const std::string& rel) {
  return "blob " + rel + " is damaged: its bytes are not the ones committed; run 'pond check'";
}

TEST_F(VerifiedReads, FlippedByteInASeriesFailsEveryReadNamingThePath) {
  const std::string rel = BlobOf("/raw/a.series", ".parquet");
  const std::string log_before = Ok({"log"});
  std::string bytes = ReadFile(dir_ + "/" + rel);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFile(dir_ + "/" + rel, bytes);

  Fails({"cat", "/raw/a.series"}, Damaged(rel) + " (/raw/a.series)");
  Fails({"cat", "/raw/a.series", "--sql", "SELECT count(*) FROM series"},
        Damaged(rel) + " (/raw/a.series)");
  // A dynamic node reading it names the input it could not read.
  RunResult derived = P({"cat", "/derived"});
  EXPECT_EQ(derived.exit_code, 1);
  EXPECT_THAT(derived.err, HasSubstr(Damaged(rel) + " (/raw/a.series)"));
  EXPECT_EQ(std::count(derived.err.begin(), derived.err.end(), '\n'), 1) << derived.err;

  // The export writes nothing: not the damaged rows, not a partial OUT.
  const std::string out = tmp_ / "out";
  Fails({"export", "--pattern", "/raw/a.series", "--dir", out}, Damaged(rel) + " (/raw/a.series)");
  EXPECT_FALSE(fs::exists(out) && !fs::is_empty(out));
  Fails({"copy", "/raw/a.series", "host://" + tmp_ / "copied"}, Damaged(rel) + " (/raw/a.series)");
  EXPECT_FALSE(fs::exists(tmp_ / "copied/a.series"));

  // Reads that do not need the blob's content still work, and the pond is unchanged.
  EXPECT_EQ(Ok({"list", "/raw/*"}), "/raw/a.series\n/raw/d.txt\n");
  EXPECT_EQ(Ok({"log"}), log_before);
  RunResult check = P({"check"});
  EXPECT_EQ(check.exit_code, 1);
}

TEST_F(VerifiedReads, TruncatedAndMissingBlobsAreNamed) {
  const std::string rel = BlobOf("/raw/a.series", ".parquet");
  const std::string good = ReadFile(dir_ + "/" + rel);
  WriteFile(dir_ + "/" + rel, good.substr(0, good.size() - 10));
  Fails({"cat", "/raw/a.series"}, Damaged(rel) + " (/raw/a.series)");
  fs::remove(dir_ + "/" + rel);
  Fails({"cat", "/raw/a.series"},
        "blob " + rel + " is missing or unreadable; run 'pond check' (/raw/a.series)");
  // Put back, the same read works again: nothing was cached across processes.
  WriteFile(dir_ + "/" + rel, good);
  EXPECT_THAT(Ok({"cat", "/raw/a.series", "--format", "csv"}), HasSubstr("2024-07-01 01:00:00"));
}

TEST_F(VerifiedReads, DamagedDataFileIsNotPrintedNorCopied) {
  const std::string rel = BlobOf("/raw/d.txt", "");
  WriteFile(dir_ + "/" + rel, "Jello world\n");  // same size, one letter off
  Fails({"cat", "/raw/d.txt"}, Damaged(rel) + " (/raw/d.txt)");
  Fails({"copy", "/raw/d.txt", "host://" + tmp_ / "copied"}, Damaged(rel) + " (/raw/d.txt)");
  EXPECT_FALSE(fs::exists(tmp_ / "copied/d.txt"));
  // POND_VERIFY=off reads what is there, to salvage it.
  RunResult salvage = P({"cat", "/raw/d.txt"}, {{"POND_VERIFY", "off"}});
  EXPECT_EQ(salvage.exit_code, 0) << salvage.err;
  EXPECT_EQ(salvage.out, "Jello world\n");
}

TEST_F(VerifiedReads, DamagedDynamicConfigNamesTheNode) {
  const std::string rel = BlobOf("/derived", "");
  std::string bytes = ReadFile(dir_ + "/" + rel);
  bytes[0] = 'X';
  WriteFile(dir_ + "/" + rel, bytes);
  RunResult r = P({"cat", "/derived"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(Damaged(rel) + " (/derived)"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A blob of a MiB or more has a checksum per column chunk and one for the rest of the
// file (chunk_sums.h): a query verifies the chunks of the columns it reads, the frame
// (footer) and the size, and nothing else. Damage elsewhere is `check`'s to find.
TEST_F(VerifiedReads, LargeBlobsAreVerifiedForTheColumnsAQueryReads) {
  std::string csv = "timestamp,a,b\n";
  uint64_t x = 88172645463325252ull;  // xorshift: incompressible values, a blob over 1 MiB
  auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<double>(x % 1000000) / 7.0;
  };
  for (int i = 0; i < 120000; ++i) {
    const double b = next();
    csv += "2024-01-01 00:00:00," + std::to_string(next()) + "," + std::to_string(b) + "\n";
  }
  WriteFile(tmp_.path() / "big.csv", csv);
  Ok({"copy", tmp_ / "big.csv", "/raw/big.series", "--format", "series"});
  const std::string rel = BlobOf("/raw/big.series", ".parquet");
  const std::string blob = dir_ + "/" + rel;
  ASSERT_GT(fs::file_size(blob), 1u << 20);
  auto q = [&](const std::string& sql) {
    return std::vector<std::string>{"cat", "/raw/big.series", "--format", "csv", "--sql", sql};
  };
  const std::string avg_a = Ok(q("SELECT avg(a) FROM series"));
  // Where column b's chunk lies, from the blob's own footer.
  auto chunk = Ok(q("SELECT data_page_offset + total_compressed_size // 2 FROM "
                    "parquet_metadata('" + blob + "') WHERE path_in_schema = 'b'"));
  const size_t in_b = std::stoul(chunk.substr(chunk.find('\n') + 1));
  const std::string good = ReadFile(blob);

  std::string bytes = good;
  bytes[in_b] ^= 0x10;
  WriteFile(blob, bytes);
  const std::string damaged = Damaged(rel) + " (/raw/big.series)";
  // Reads of a and of the row count do not read b's bytes: their answers are whole.
  EXPECT_EQ(Ok(q("SELECT avg(a) FROM series")), avg_a);
  EXPECT_EQ(Ok(q("SELECT count(*) AS n FROM series")), "n\n120000\n");
  Fails(q("SELECT avg(b) FROM series"), damaged);
  Fails(q("SELECT s.b FROM series s"), damaged);
  // What the parse tree cannot pin to columns verifies them all.
  Fails(q("SELECT avg(a) AS m FROM series ORDER BY m"), damaged);
  Fails(q("SELECT s FROM series s"), damaged);
  Fails({"cat", "/raw/big.series"}, damaged);
  Fails({"export", "--pattern", "/raw/big.series", "--dir", tmp_ / "out"}, damaged);
  EXPECT_EQ(P({"check"}).exit_code, 1);

  // The footer and the size are verified by every read.
  bytes = good;
  bytes[bytes.size() - 20] ^= 0x01;
  WriteFile(blob, bytes);
  Fails(q("SELECT avg(a) FROM series"), damaged);
  WriteFile(blob, good + "x");
  Fails(q("SELECT avg(a) FROM series"), damaged);
  WriteFile(blob, good);
  EXPECT_EQ(Ok(q("SELECT avg(a) FROM series")), avg_a);
  EXPECT_EQ(P({"check"}).exit_code, 0);
}

// An append-only log read through a format: a piece's blob is verified when its bytes
// are parsed. A read served by the parses already cached reads no blob of the log (an
// hourly read of a year of logs hashes none of them); one that must parse the damaged
// piece fails naming it.
TEST_F(VerifiedReads, ALogPieceIsVerifiedWhenItIsParsed) {
  const std::string line =
      R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"depth","gauge":)"
      R"({"dataPoints":[{"timeUnixNano":"TIME000000000","asDouble":4.5}]}}]}]}]})";
  const auto at = [&](const std::string& seconds) {
    std::string l = line;
    return l.replace(l.find("TIME"), 4, seconds) + "\n";
  };
  const std::string log = tmp_ / "app.json";
  WriteFile(log, at("1719792000") + at("1719792060"));
  Ok({"copy", "--format", "log", log, "/raw/app.json"});
  WriteFile(log, at("1719792000") + at("1719792060") + at("1719792120"));
  Ok({"copy", "--format", "log", log, "/raw/app.json"});
  const std::vector<std::string> read = {"cat", "oteljson:///raw/app.json", "--format", "csv"};
  const std::string rows = Ok(read);
  EXPECT_EQ(rows,
            "timestamp,depth\n2024-07-01 00:00:00,4.5\n2024-07-01 00:01:00,4.5\n"
            "2024-07-01 00:02:00,4.5\n");

  auto j = nlohmann::json::parse(Ok({"describe", "--json", "/raw/app.json"}), nullptr, false);
  if (j.is_array()) j = j.at(0);
  const std::string hash = j.at("versions").at(0).at("blob");
  const std::string rel = "blobs/" + hash.substr(0, 2) + "/" + hash;
  std::string bytes = ReadFile(dir_ + "/" + rel);
  bytes[10] ^= 0x01;
  WriteFile(dir_ + "/" + rel, bytes);
  EXPECT_EQ(Ok(read), rows);
  fs::remove_all(dir_ + "/cache");
  RunResult r = P(read);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(Damaged(rel))) << r.err;
  EXPECT_EQ(P({"check"}).exit_code, 1);
}

}  // namespace
}  // namespace pond::testing
