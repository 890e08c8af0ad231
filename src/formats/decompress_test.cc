// Decompress against files written by the real gzip, zstd and bzip2 programs: whole,
// concatenated, highly compressible, truncated, garbage and empty.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "base/error.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "support/scenario.h"

namespace pond::formats {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

struct Tool {
  Compression compression;
  std::string program;  // writes the compressed bytes of its argument on stdout
  std::string word;     // as in the error message
};

const std::vector<Tool>& Tools() {
  static const std::vector<Tool> tools = {{Compression::kGzip, "gzip -c", "gzip"},
                                          {Compression::kZstd, "zstd -q -c", "zstd"},
                                          {Compression::kBzip2, "bzip2 -c", "bzip2"}};
  return tools;
}

// CSV-like lines of pseudo-random readings: compresses about 3:1, so both the
// compressed and the plain bytes span several of Decompress's blocks.
std::string Readings(int lines, uint32_t seed) {
  std::string s = "t,v\n";
  for (int i = 0; i < lines; ++i) {
    seed = seed * 1664525u + 1013904223u;
    s += std::to_string(i) + "," + std::to_string(seed % 100000) + "." + std::to_string(seed % 7) +
         "\n";
  }
  return s;
}

std::string Compressed(const Tool& tool, const TempDir& tmp, const std::string& plain,
                       const std::string& file) {
  WriteFile(tmp.path() / (file + ".plain"), plain);
  const std::string cmd = tool.program + " " + (tmp / (file + ".plain")) + " > " + (tmp / file);
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return ReadFile(tmp.path() / file);
}

// Decompress's output for `compressed`, or its error's text.
std::string Decompressed(const Tool& tool, const TempDir& tmp, const std::string& compressed) {
  WriteFile(tmp.path() / "in", compressed);
  const std::string out = tmp / "out";
  Decompress(tool.compression, tmp / "in", out, "/ingest/in");
  return ReadFile(out);
}

void ExpectInvalid(const Tool& tool, const TempDir& tmp, const std::string& compressed) {
  WriteFile(tmp.path() / "in", compressed);
  try {
    Decompress(tool.compression, tmp / "in", tmp / "out", "/ingest/in");
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "not valid " + tool.word + " data");
    EXPECT_EQ(e.where(), "/ingest/in");
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "out")) << "nothing is left at output on failure";
}

TEST(Decompress, RoundTripsWhatTheProgramsWrite) {
  const std::string plain = Readings(300'000, 1);  // ~4 MB
  for (const Tool& tool : Tools()) {
    SCOPED_TRACE(tool.word);
    TempDir tmp;
    EXPECT_EQ(Decompressed(tool, tmp, Compressed(tool, tmp, plain, "a")), plain);
  }
}

TEST(Decompress, ManyBlocksOutOfOneBlockIn) {
  const std::string plain(20 << 20, 'x');  // 20 MiB from a few KiB
  for (const Tool& tool : Tools()) {
    SCOPED_TRACE(tool.word);
    TempDir tmp;
    EXPECT_EQ(Decompressed(tool, tmp, Compressed(tool, tmp, plain, "a")), plain);
  }
}

TEST(Decompress, ConcatenatedMembersAreOneFile) {
  const std::string a = Readings(50'000, 2), b = Readings(30'000, 3);
  for (const Tool& tool : Tools()) {
    SCOPED_TRACE(tool.word);
    TempDir tmp;
    const std::string both = Compressed(tool, tmp, a, "a") + Compressed(tool, tmp, b, "b");
    EXPECT_EQ(Decompressed(tool, tmp, both), a + b);
    EXPECT_EQ(Decompressed(tool, tmp, Compressed(tool, tmp, "", "e") + both), a + b);
  }
}

TEST(Decompress, TruncatedGarbageAndEmptyAreErrors) {
  const std::string plain = Readings(100'000, 4);
  for (const Tool& tool : Tools()) {
    SCOPED_TRACE(tool.word);
    TempDir tmp;
    const std::string whole = Compressed(tool, tmp, plain, "a");
    ExpectInvalid(tool, tmp, whole.substr(0, whole.size() / 2));
    ExpectInvalid(tool, tmp, whole.substr(0, whole.size() - 1));
    ExpectInvalid(tool, tmp, whole + "trailing junk");
    ExpectInvalid(tool, tmp, std::string(1000, 'z') + whole);
    ExpectInvalid(tool, tmp, "");
    std::string damaged = whole;
    for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 64; ++i) damaged[i] ^= 0x5a;
    ExpectInvalid(tool, tmp, damaged);
  }
}

TEST(Decompress, CompressedCsvThroughWriteParquet) {
  for (const Tool& tool : Tools()) {
    SCOPED_TRACE(tool.word);
    TempDir tmp;
    WriteFile(tmp.path() / "in", Compressed(tool, tmp, Readings(1000, 5), "a"));
    engine::Database db;
    engine::Connection con(db);
    const std::string out = tmp / "out.parquet";
    Parsed parsed =
        WriteParquet(con, Format::kCsv, tool.compression, {}, tmp / "in", out, "/ingest/a.csv");
    EXPECT_EQ(parsed.rows, 1000);
    EXPECT_EQ(con.Query("SELECT count(*) FROM '" + out + "'").at(0, 0).as_int(), 1000);
    EXPECT_FALSE(fs::exists(out + ".plain")) << "the decompressed copy is removed";
  }
}

}  // namespace
}  // namespace pond::formats
