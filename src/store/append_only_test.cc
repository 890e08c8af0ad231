// file:log, the append-only data file (docs/append-only.md): after every append a read
// is the host file byte for byte and the recorded BLAKE3 is what `b3sum` prints;
// prefixes that changed are refused with nothing written; thousands of appends read
// as their concatenation through a few blobs, compaction and retention change no read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/blake3.h"
#include "base/error.h"
#include "store/check.h"
#include "store/log_sums.h"
#include "store/pond.h"
#include "store/sqlite.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// What `b3sum` prints for the host file.
std::string B3sum(const std::string& path) {
  std::string out;
  FILE* p = ::popen(("b3sum --no-names '" + path + "'").c_str(), "r");
  if (p == nullptr) return out;
  char buf[128];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out.substr(0, 64);
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class AppendOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("pond-append-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = (root_ / "pond").string();
    host_ = (root_ / "app.log").string();
    Pond::Init(dir_, {"pond", "init"}, {}, &disk_);
    std::ofstream(host_, std::ios::binary);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Grow(const std::string& bytes) {
    std::ofstream(host_, std::ios::binary | std::ios::app) << bytes;
  }
  // One transaction appending the host file as it is now to `path`; returns its seq.
  int64_t Append(const std::string& path = "/app.log") {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "test"}, {});
    txn->AppendData(path, host_, static_cast<int64_t>(fs::file_size(host_)));
    txn->Commit();
    return txn->seq();
  }
  template <class Fn>
  void Write(Fn fn) {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({"pond", "test"}, {});
    fn(*txn);
    txn->Commit();
  }
  std::string Read(std::optional<int64_t> at = {}, const std::string& path = "/app.log") {
    auto pond = Pond::OpenRead(dir_, at);
    return pond->ReadData(pond->Get(path));
  }
  LogState State(const std::string& path = "/app.log") {
    auto pond = Pond::OpenRead(dir_);
    return pond->LogStateOf(pond->Get(path));
  }
  // Reads, state and b3sum agree with the host file as it is now.
  void ExpectMirrorsHost(const std::string& path = "/app.log") {
    const std::string host = Bytes(host_);
    auto pond = Pond::OpenRead(dir_);
    const NodeInfo node = pond->Get(path);
    EXPECT_EQ(node.kind, Kind::kLog);
    EXPECT_TRUE(pond->ReadData(node) == host) << "ReadData differs from the host file";
    std::string streamed;
    pond->StreamData(node, [&](std::string_view b) { streamed.append(b); });
    EXPECT_TRUE(streamed == host) << "StreamData differs from the host file";
    std::string pieces;
    for (const DataPiece& piece : pond->DataPieces(node)) {
      EXPECT_EQ(piece.offset, static_cast<int64_t>(pieces.size()));
      const std::string bytes = Bytes(piece.path);
      EXPECT_EQ(piece.size, static_cast<int64_t>(bytes.size()));
      pieces += bytes;
    }
    EXPECT_TRUE(pieces == host) << "DataPieces differ from the host file";
    const LogState state = pond->LogStateOf(node);
    EXPECT_EQ(state.size, static_cast<int64_t>(host.size()));
    EXPECT_EQ(state.blake3, B3sum(host_));
  }
  size_t BlobFiles() {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
      n += e.is_regular_file() && e.path().parent_path().filename() != "tmp";
    return n;
  }
  bool TempEmpty() { return fs::is_empty(dir_ + "/blobs/tmp"); }

  NoSyncDisk disk_;
  fs::path root_;
  std::string dir_, host_;
};

std::string Lines(int first, int count, size_t width = 20) {
  std::string out;
  for (int i = first; i < first + count; ++i) {
    std::string line = "line " + std::to_string(i);
    line.resize(width - 1, '.');
    out += line + "\n";
  }
  return out;
}

// A log growing as a collector's does: 40 KB, +40 KB, +10 lines, no change, +10 MB, +100 lines.
TEST_F(AppendOnlyTest, AGrowingFileReadsAsTheHostAfterEveryAppend) {
  std::vector<std::pair<int64_t, std::string>> views;  // seq, host bytes then
  const std::vector<std::string> steps = {Lines(0, 2000),      Lines(2000, 2000),
                                          Lines(4000, 10),     "",
                                          Lines(4010, 500000), Lines(504010, 100)};
  int versions = 0;
  for (const std::string& step : steps) {
    SCOPED_TRACE("after +" + std::to_string(step.size()) + " bytes");
    Grow(step);
    views.emplace_back(Append(), Bytes(host_));
    versions += !step.empty();
    ExpectMirrorsHost();
    auto pond = Pond::OpenRead(dir_);
    EXPECT_EQ(pond->Get("/app.log").versions.size(), static_cast<size_t>(versions));
    // Each version holds only what it added.
    EXPECT_EQ(pond->Get("/app.log").versions.back().size,
              static_cast<int64_t>(step.empty() ? Lines(4000, 10).size() : step.size()));
  }
  for (const auto& [seq, bytes] : views) EXPECT_TRUE(Read(seq) == bytes) << "at " << seq;
}

TEST_F(AppendOnlyTest, AnEmptyFileIsAVersionOfNoBytes) {
  Append();
  EXPECT_EQ(Read(), "");
  EXPECT_EQ(State().size, 0);
  EXPECT_EQ(State().blake3, B3sum(host_));
  Grow("first line\n");
  Append();
  ExpectMirrorsHost();
}

TEST_F(AppendOnlyTest, KindsDoNotMix) {
  Grow("a\n");
  Append();
  Write([](Transaction& t) { t.WriteData("/data.txt", "bytes"); });
  auto fails = [&](auto fn, const std::string& what) {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({}, {});
    try {
      fn(*txn);
      ADD_FAILURE() << what;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), what);
    }
  };
  fails([&](Transaction& t) { t.WriteData("/app.log", "x"); },
        "existing node is file:log, not file:data (/app.log)");
  fails([&](Transaction& t) { t.AppendData("/data.txt", host_, 2); },
        "existing node is file:data, not file:log (/data.txt)");
  fails([&](Transaction& t) { t.Compact("/data.txt"); },
        "not a series or file:log: file:data (/data.txt)");
  auto pond = Pond::OpenRead(dir_);
  EXPECT_THROW(pond->LogStateOf(pond->Get("/data.txt")), Error);
  EXPECT_EQ(ListedKind(pond->Get("/app.log").kind, ""), "file:log");
}

// A changed prefix, a shrunken file and a file shorter than promised write nothing.
TEST_F(AppendOnlyTest, RefusedAppendsLeaveThePondAsItWas) {
  Grow(Lines(0, 100));
  Append();
  Grow(Lines(100, 100));
  Append();
  const std::string before = Read();
  const size_t blobs = BlobFiles();
  const int64_t last = Pond::OpenRead(dir_)->last_seq();
  auto attempt = [&](int64_t host_size) -> std::string {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto txn = pond->Begin({}, {});
    try {
      txn->AppendData("/app.log", host_, host_size);
      return "appended";
    } catch (const PrefixMismatchError& e) {
      return std::string("prefix: ") + e.what();
    } catch (const Error& e) {
      return e.what();
    }
  };
  // Rewritten larger and different (a truncate-and-rewrite without an archive).
  std::string other = before;
  other[5] = 'X';
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << other << "more\n";
  EXPECT_EQ(attempt(static_cast<int64_t>(other.size()) + 5),
            "prefix: the first 4000 bytes are not the ones /app.log holds (BLAKE3 differs) (" +
                host_ + ")");
  // The same size, rewritten: verified, refused too.
  EXPECT_THAT(attempt(static_cast<int64_t>(before.size())), HasSubstr("prefix: the first 4000"));
  // Shrunk.
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << before.substr(0, 100);
  EXPECT_EQ(attempt(100),
            "host file has 100 bytes, fewer than the 4000 of /app.log (" + host_ + ")");
  EXPECT_EQ(attempt(4001),
            "prefix: host file has 100 bytes, fewer than the 4000 of /app.log (" + host_ + ")");
  // Promised more than it holds: read to its end, the blob dropped.
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << before << "tail\n";
  EXPECT_EQ(attempt(5000), "cannot read file: it ended at byte 4005, before 5000 (" + host_ + ")");
  EXPECT_EQ(Read(), before);
  EXPECT_EQ(BlobFiles(), blobs);
  EXPECT_TRUE(TempEmpty());
  EXPECT_EQ(Pond::OpenRead(dir_)->last_seq(), last);
  // Unchanged: verified, no version.
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << before;
  EXPECT_EQ(attempt(4000), "appended");
  Append();
  EXPECT_EQ(Pond::OpenRead(dir_)->Get("/app.log").versions.size(), 2u);
  ExpectMirrorsHost();
}

// Rotation as the factory will do it: the active file's node is renamed to the
// archive's name with its history, and a new node starts.
TEST_F(AppendOnlyTest, MoveKeepsHistoryAndAppendsGoOn) {
  Grow(Lines(0, 10));
  const int64_t first = Append("/app.log");
  Grow(Lines(10, 10));
  Append("/app.log");
  Write([](Transaction& t) { t.Move("/app.log", "/app.log.1"); });
  Grow(Lines(20, 10));
  Append("/app.log.1");
  ExpectMirrorsHost("/app.log.1");
  EXPECT_EQ(Read(first, "/app.log"), Lines(0, 10));
  EXPECT_EQ(Pond::OpenRead(dir_)->Lookup("/app.log"), std::nullopt);
  EXPECT_EQ(Pond::OpenRead(dir_)->Get("/app.log.1").versions.size(), 3u);
}

TEST_F(AppendOnlyTest, DataPathServesOneBlobAndNamesTheWayOtherwise) {
  Grow(Lines(0, 10));
  Append();
  {
    auto pond = Pond::OpenRead(dir_);
    const NodeInfo node = pond->Get("/app.log");
    EXPECT_EQ(Bytes(pond->DataPath(node)), Lines(0, 10));
    EXPECT_EQ(pond->DataPieces(node).size(), 1u);
  }
  Grow(Lines(10, 10));
  Append();
  Grow(Lines(20, 10));
  Append();
  {
    auto pond = Pond::OpenRead(dir_);
    const NodeInfo node = pond->Get("/app.log");
    const auto pieces = pond->DataPieces(node);
    ASSERT_EQ(pieces.size(), 3u);  // the tiered policy merges four
    EXPECT_EQ(pieces[2].first_version, 3);
    EXPECT_EQ(pieces[2].offset, static_cast<int64_t>(Lines(0, 20).size()));
    try {
      pond->DataPath(node);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.message(), "file:log held in 3 blobs: read it with DataPieces or StreamData");
    }
  }
  Write([](Transaction& t) { EXPECT_EQ(t.Compact("/app.log"), 1); });
  auto pond = Pond::OpenRead(dir_);
  EXPECT_EQ(Bytes(pond->DataPath(pond->Get("/app.log"))), Lines(0, 30));
  ExpectMirrorsHost();
}

// Thousands of small appends (a year of hourly runs is 8,760) read as their
// concatenation through a few blobs; compaction makes one and changes no view;
// retention keeps what the views from the horizon on read.
TEST_F(AppendOnlyTest, ThousandsOfAppendsReadThroughAFewBlobs) {
  std::vector<std::pair<int64_t, size_t>> views;  // seq, host size then
  int line = 0;
  // 30 appends a transaction: the catalog's commits sync (storage.md), 30 ms each here.
  for (int txn = 0; txn < 100; ++txn) {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto t = pond->Begin({"pond", "test"}, {});
    for (int i = 0; i < 30; ++i) {
      Grow(Lines(line++, 1, 40));
      t->AppendData("/app.log", host_, static_cast<int64_t>(fs::file_size(host_)));
    }
    t->Commit();
    if (txn % 13 == 0) views.emplace_back(t->seq(), fs::file_size(host_));
  }
  const std::string host = Bytes(host_);
  auto pieces = [&](std::optional<int64_t> at = {}) {
    auto pond = Pond::OpenRead(dir_, at);
    return pond->DataPieces(pond->Get("/app.log")).size();
  };
  ExpectMirrorsHost();
  EXPECT_LE(pieces(), 3u * 6) << "at most 3 per band of 4^k versions";
  for (const auto& [seq, size] : views) EXPECT_TRUE(Read(seq) == host.substr(0, size)) << seq;
  std::string identity;
  {
    auto pond = Pond::OpenRead(dir_);
    identity = pond->ContentIdentity(pond->Get("/app.log"), {});
  }
  Write([](Transaction& t) { EXPECT_EQ(t.Compact("/app.log"), 1); });
  EXPECT_EQ(pieces(), 1u);
  ExpectMirrorsHost();
  for (const auto& [seq, size] : views) EXPECT_TRUE(Read(seq) == host.substr(0, size)) << seq;
  {
    auto pond = Pond::OpenRead(dir_);
    EXPECT_EQ(pond->ContentIdentity(pond->Get("/app.log"), {}), identity);
  }
  // Keep the last of the views above and everything after it.
  const int64_t horizon = views.back().first;
  const size_t files = BlobFiles();
  {
    auto pond = Pond::OpenWrite(dir_, &disk_);
    auto t = pond->Begin({"pond", "maintain"}, {});
    t->SetHorizon(horizon);
    t->Commit();
    t.reset();
    EXPECT_GT(pond->DeleteUnneededBlobs().blobs, 0);
  }
  EXPECT_LT(BlobFiles(), files / 4);
  EXPECT_TRUE(Read(horizon) == host.substr(0, views.back().second));
  ExpectMirrorsHost();
  const CheckReport report = CheckPond(dir_, false, &disk_);
  EXPECT_TRUE(report.problems.empty()) << report.problems[0].text;
  Grow(Lines(line, 1));
  Append();
  ExpectMirrorsHost();
}

TEST_F(AppendOnlyTest, IdentityFollowsTheBytes) {
  Grow("a\n");
  Append();
  auto identity = [&] {
    auto pond = Pond::OpenRead(dir_);
    return pond->ContentIdentity(pond->Get("/app.log"), {});
  };
  const std::string one = identity();
  Grow("b\n");
  Append();
  EXPECT_NE(identity(), one);
}

TEST_F(AppendOnlyTest, CheckFindsSizesAndHashesThatDoNotMatchTheBytes) {
  for (int i = 0; i < 6; ++i) {
    Grow(Lines(i * 10, 10));
    Append();
  }
  EXPECT_TRUE(CheckPond(dir_, false, &disk_).problems.empty());
  auto problems = [&](const std::string& sql) {
    {
      sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
      db.Exec(sql);
    }
    std::vector<std::string> out;
    for (const auto& p : CheckPond(dir_, false, &disk_).problems) out.push_back(p.text);
    return out;
  };
  EXPECT_EQ(
      problems("UPDATE log_versions SET blake3 = '" + std::string(64, '0') + "' WHERE version = 5"),
      std::vector<std::string>{"file:log BLAKE3 mismatch (node /app.log v5)"});
  // Sizes first: while they are wrong the bytes are not hashed.
  EXPECT_EQ(problems("UPDATE log_versions SET total_size = 9 WHERE version = 6"),
            std::vector<std::string>{
                "file:log size mismatch: 9 bytes recorded, 1200 held (node /app.log v6)"});
}

// A pond made before file:log has no log_versions table: it reads as before, and the
// first append makes the table.
TEST_F(AppendOnlyTest, AnOlderPondGetsItsTableWithTheFirstAppend) {
  {
    sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
    db.Exec("DROP TABLE log_versions");
  }
  EXPECT_TRUE(CheckPond(dir_, false, &disk_).problems.empty());
  Grow("a\n");
  Append();
  ExpectMirrorsHost();
  EXPECT_TRUE(CheckPond(dir_, false, &disk_).problems.empty());
}

// A log past two segments (log_sums.h) is checked segment by segment: an append hashes
// only its new bytes and still gets b3sum's hash; a byte changed in any segment or in
// the tail is refused as before; sums that are missing, of another build or wrong
// cost a pass over the bytes, never a refusal, and `pond check` names wrong ones.
TEST_F(AppendOnlyTest, LargeLogsAreCheckedSegmentBySegment) {
  const int64_t seg = kLogSegmentBytes;
  Grow(Lines(0, static_cast<int>(2 * seg / 20 + 100)));  // two segments and a tail
  Append();
  ExpectMirrorsHost();
  const auto sums = [&] {
    sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kRead);
    return std::make_pair(
        [&] {
          auto st = db.Prepare("SELECT count(*) FROM log_segments");
          st.Step();
          return st.Int(0);
        }(),
        [&] {
          auto st = db.Prepare("SELECT version FROM log_tails");
          return st.Step() ? st.Int(0) : -1;
        }());
  };
  EXPECT_EQ(sums(), std::make_pair(int64_t{2}, int64_t{1}));
  Grow(Lines(1, 1000));  // within the tail
  Append();
  ExpectMirrorsHost();
  Grow(Lines(2, static_cast<int>(seg / 20)));  // completes the third segment
  Append();
  ExpectMirrorsHost();
  EXPECT_EQ(sums(), std::make_pair(int64_t{3}, int64_t{3}));

  const std::string held = Read();
  const int64_t last = Pond::OpenRead(dir_)->last_seq();
  const auto refused = [&](int64_t at) {
    std::string other = held;
    other[static_cast<size_t>(at)] ^= 1;
    std::ofstream(host_, std::ios::binary | std::ios::trunc) << other << "more\n";
    try {
      Append();
      return std::string("appended");
    } catch (const PrefixMismatchError& e) {
      return std::string(e.what());
    }
  };
  const std::string differs = "the first " + std::to_string(held.size()) +
                              " bytes are not the ones /app.log holds (BLAKE3 differs) (" + host_ +
                              ")";
  EXPECT_EQ(refused(5), differs);
  EXPECT_EQ(refused(seg + seg / 2), differs);                       // the second segment
  EXPECT_EQ(refused(static_cast<int64_t>(held.size()) - 1), differs);  // the tail
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << held.substr(0, 3 * seg);
  EXPECT_THROW(Append(), Error);  // shrunk
  EXPECT_EQ(Pond::OpenRead(dir_)->last_seq(), last);
  EXPECT_TRUE(Read() == held);
  {
    // The check is the sums' (no pass against the BLAKE3): a segment's sum made to
    // match other bytes lets them by, which is why `pond check` compares the sums too.
    std::string other = held;
    other[static_cast<size_t>(seg + 7)] ^= 1;
    sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
    auto st = db.Prepare("UPDATE log_segments SET blake3 = ?1 WHERE segment = 1");
    st.Bind(1, Blake3Hex(std::string_view(other).substr(static_cast<size_t>(seg),
                                                          static_cast<size_t>(seg))));
    st.Run();
    std::ofstream(host_, std::ios::binary | std::ios::trunc) << other;
    EXPECT_EQ(State().size, static_cast<int64_t>(held.size()));
    Grow("more\n");
    EXPECT_NO_THROW(Append());
    EXPECT_TRUE(Read() == held + "more\n");  // the pond's bytes, hashed on from its state
    EXPECT_EQ(State().blake3, Blake3Hex(held + "more\n"));
  }
  EXPECT_EQ(CheckPond(dir_, false, &disk_).problems.size(), 1u);
  {
    sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
    db.Exec("DELETE FROM log_tails");  // back to a pass over the bytes
  }
  std::ofstream(host_, std::ios::binary | std::ios::trunc) << Read();
  Grow(Lines(5, 10));
  Append();
  ExpectMirrorsHost();

  const auto problems = [&](const std::string& sql) {
    {
      sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
      db.Exec(sql);
    }
    std::vector<std::string> out;
    for (const auto& p : CheckPond(dir_, false, &disk_).problems) out.push_back(p.text);
    return out;
  };
  EXPECT_TRUE(problems("SELECT 1").empty());
  const auto wrong = [&] {
    const size_t latest = Pond::OpenRead(dir_)->Get("/app.log").versions.back().version;
    return std::vector<std::string>{"file:log segment sums mismatch (node /app.log v" +
                                    std::to_string(latest) + ")"};
  };
  const std::string zeros = "'" + std::string(64, '0') + "'";
  // A wrong segment, a wrong tail, a state of this build that is another's: named by
  // check, and the next append, after a pass over the bytes, writes right ones.
  for (const std::string& damage :
       {"UPDATE log_segments SET blake3 = " + zeros + " WHERE segment = 1",
        "UPDATE log_tails SET tail = " + zeros}) {
    SCOPED_TRACE(damage);
    const int64_t before = Pond::OpenRead(dir_)->last_seq();
    EXPECT_EQ(problems(damage), wrong());
    std::ofstream(host_, std::ios::binary | std::ios::trunc) << Read();
    Grow(Lines(3, 10));
    Append();
    ExpectMirrorsHost();
    EXPECT_EQ(Pond::OpenRead(dir_)->last_seq(), before + 1);
    EXPECT_TRUE(CheckPond(dir_, false, &disk_).problems.empty());
  }
  // Sums of another build, or none (a log appended before them): a pass, then sums.
  for (const std::string& damage :
       {std::string("UPDATE log_tails SET state = x'00'"), std::string("DELETE FROM log_segments"),
        std::string("DROP TABLE log_tails")}) {
    SCOPED_TRACE(damage);
    EXPECT_TRUE(problems(damage).empty());
    Grow(Lines(4, 10));
    Append();
    ExpectMirrorsHost();
    EXPECT_EQ(sums().first, 3);
    EXPECT_TRUE(CheckPond(dir_, false, &disk_).problems.empty());
  }
}

}  // namespace
}  // namespace pond::store
