// A damaged catalog through the `pond` binary (docs/storage.md, "A damaged catalog"):
// a bit flipped in each kind of page of catalog.sqlite and in its write-ahead log, a
// truncated, emptied or deleted file. Every command must either fail with one line
// naming catalog.sqlite or answer exactly as the undamaged pond does, never answer
// wrongly with exit 0; a failed command leaves the pond's bytes as they were; `pond
// check` names the damage; `check --repair --from URL` brings the catalog back from a
// backup and names the transactions it could not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

uint32_t Be32(const std::string& b, size_t at) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return (u(0) << 24) | (u(1) << 16) | (u(2) << 8) | u(3);
}

class CatalogDamage : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    Ok({"copy", Host("a.csv", "timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n"),
        "/raw/s.series", "--format", "series"});
    // Many files in one command: leaf and interior pages, and an argv long enough to
    // overflow its page.
    std::vector<std::string> args = {"copy"};
    for (int i = 0; i < 300; ++i)
      args.push_back(Host("file-with-a-long-name-" + std::to_string(i) + ".txt",
                          "bytes of file " + std::to_string(i) + "\n"));
    args.push_back("/raw/files");
    args.push_back("--format");
    args.push_back("data");
    Ok({"mkdir", "/raw/files"});
    Ok(args);
  }

  std::string Catalog() const { return dir_ + "/catalog.sqlite"; }

  // The pond's bytes: every file but the locks (which hold a pid) and SQLite's -shm
  // index (scratch memory it rebuilds from the WAL).
  std::map<std::string, std::string> Bytes() const {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file() || name.ends_with(".lock") || name.ends_with("-shm")) continue;
      out[fs::relative(e.path(), dir_).string()] = Sha256File(e.path());
    }
    return out;
  }

  // The commands a damaged catalog is tried with, and their undamaged answers.
  std::vector<std::vector<std::string>> Commands() const {
    return {{"list", "/**"},
            {"log"},
            {"describe", "/raw/s.series"},
            {"cat", "/raw/files/file-with-a-long-name-7.txt"},
            {"cat", "/raw/s.series"},
            {"mkdir", "/new"}};
  }
  std::map<std::string, std::string> Answers() const {
    std::map<std::string, std::string> out;
    const std::string copy = tmp_ / "answers";
    fs::copy(dir_, copy, fs::copy_options::recursive);
    for (const auto& args : Commands()) {
      RunResult r = Pond(args, {{"POND", copy}});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      out[args.front() + " " + args.back()] = r.out;
    }
    fs::remove_all(copy);
    return out;
  }

  // Each command fails with one line naming catalog.sqlite and leaves the bytes as
  // they were, or answers as the undamaged pond did (`mkdir` may then write).
  void ExpectNoWrongAnswer(const std::map<std::string, std::string>& answers,
                           const std::string& what) {
    SCOPED_TRACE(what);
    for (const auto& args : Commands()) {
      SCOPED_TRACE(args.front() + " " + args.back());
      const auto before = Bytes();
      RunResult r = P(args);
      if (r.exit_code == 0) {
        EXPECT_EQ(r.out, answers.at(args.front() + " " + args.back()));
        continue;
      }
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_THAT(r.err, HasSubstr("catalog.sqlite"));
      EXPECT_TRUE(Bytes() == before) << "a failed command changed the pond";
    }
  }

  // `pond check` fails naming the catalog.
  void ExpectCheckFinds(const std::string& text) {
    RunResult r = P({"check"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(text)) << r.out;
    EXPECT_THAT(r.err, HasSubstr("the catalog is damaged"));
  }

  static void FlipBit(const std::string& path, int64_t offset, int bit) {
    std::string b = ReadFile(path);
    b[static_cast<size_t>(offset)] = static_cast<char>(b[static_cast<size_t>(offset)] ^ (1 << bit));
    WriteFile(path, b);
  }

  // Pages of catalog.sqlite by kind: SQLite's b-tree page flags, the freelist from the
  // header, and overflow pages (the rest).
  std::map<std::string, std::vector<int64_t>> PagesByKind() const {
    const std::string b = ReadFile(Catalog());
    const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(b[16])) << 8) |
                       static_cast<unsigned char>(b[17]);
    const int64_t ps = v == 1 ? 65536 : v;
    std::set<int64_t> free;
    for (int64_t trunk = Be32(b, 32); trunk != 0 && static_cast<size_t>(trunk * ps) <= b.size();) {
      free.insert(trunk);
      const size_t at = static_cast<size_t>((trunk - 1) * ps);
      for (uint32_t i = 0; i < Be32(b, at + 4); ++i) free.insert(Be32(b, at + 8 + 4 * i));
      trunk = Be32(b, at);
    }
    std::map<std::string, std::vector<int64_t>> out;
    for (int64_t page = 1; page * ps <= static_cast<int64_t>(b.size()); ++page) {
      const auto flag = static_cast<unsigned char>(
          b[static_cast<size_t>((page - 1) * ps + (page == 1 ? 100 : 0))]);
      std::string kind = flag == 2    ? "index interior"
                         : flag == 5  ? "table interior"
                         : flag == 10 ? "index leaf"
                         : flag == 13 ? "table leaf"
                                      : "overflow";
      if (free.contains(page)) kind = "freelist";
      if (page == 1) kind = "page 1";
      out[kind].push_back(page);
    }
    return out;
  }
};

TEST_F(CatalogDamage, ABitFlippedInEachKindOfPageIsFoundWhereverItIsRead) {
  const auto answers = Answers();
  const auto kinds = PagesByKind();
  for (const char* kind : {"page 1", "table leaf", "index leaf", "index interior", "overflow"})
    EXPECT_TRUE(kinds.contains(kind)) << "the test pond has no " << kind << " page";
  const std::string clean = tmp_ / "clean";
  fs::copy(dir_, clean, fs::copy_options::recursive);
  const auto restore = [&] {
    fs::remove_all(dir_);
    fs::copy(clean, dir_, fs::copy_options::recursive);
  };
  const std::string header = ReadFile(Catalog()).substr(0, 100);
  const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(header[16])) << 8) |
                     static_cast<unsigned char>(header[17]);
  const int64_t page_size = v == 1 ? 65536 : v;
  std::mt19937 rng(20261207);
  for (const auto& [kind, pages] : kinds) {
    for (int trial = 0; trial < 2; ++trial) {
      const int64_t page = pages[rng() % pages.size()];
      const int64_t offset = (page - 1) * page_size + static_cast<int64_t>(rng() % page_size);
      const int bit = static_cast<int>(rng() % 8);
      const std::string what =
          kind + " page " + std::to_string(page) + ", byte " + std::to_string(offset);
      restore();
      FlipBit(Catalog(), offset, bit);
      ExpectNoWrongAnswer(answers, what);
      restore();
      FlipBit(Catalog(), offset, bit);
      SCOPED_TRACE(what);
      ExpectCheckFinds("catalog.sqlite");
    }
  }
  restore();
  Ok({"check"});
}

TEST_F(CatalogDamage, TruncatedOrEmptyCatalogIsNamedAndNothingIsWritten) {
  const std::string clean = ReadFile(Catalog());
  for (const size_t size : {size_t{0}, size_t{4096}, clean.size() / 2, clean.size() / 2 + 100}) {
    SCOPED_TRACE("truncated to " + std::to_string(size));
    WriteFile(Catalog(), clean.substr(0, size));
    for (const auto& args : Commands()) {
      const auto before = Bytes();
      RunResult r = P(args);
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_THAT(r.err, ::testing::StartsWith("pond: error: catalog.sqlite is "));
      EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("not a pond catalog, or damaged"),
                                          HasSubstr("damaged")));
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_TRUE(Bytes() == before);
      EXPECT_EQ(fs::file_size(Catalog()), size);
    }
    ExpectCheckFinds("catalog.sqlite is");
  }
}

class CatalogWalDamage : public CatalogDamage {
 protected:
  // Runs `args` and kills it (SIGKILL) at its first write into catalog.sqlite itself,
  // after its COMMIT reached the WAL: the WAL keeps the committed transaction.
  void CommitThenCrash(const std::vector<std::string>& args) {
    const std::string copy = tmp_ / "probe";
    fs::remove_all(copy);
    fs::copy(dir_, copy, fs::copy_options::recursive);
    RunResult probe =
        Pond(args, {{"POND", copy}, {"POND_LOG", "debug"}, {"POND_FAULT_AT", "9999"}});
    ASSERT_EQ(probe.exit_code, 0) << probe.err;
    fs::remove_all(copy);
    const std::regex point(R"(write point (\d+) \(catalog write [^)]*/catalog\.sqlite\))");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(probe.err, m, point)) << probe.err;
    RunResult r = P(args, {{"POND_FAULT_AT", m[1].str()}, {"POND_FAULT_MODE", "crash"}});
    ASSERT_NE(r.exit_code, 0);
    ASSERT_TRUE(fs::exists(Catalog() + "-wal"));
  }
};

TEST_F(CatalogWalDamage, ABitFlippedInTheWalOrTheWalDeletedIsFound) {
  CommitThenCrash({"mkdir", "/after-crash-1"});
  CommitThenCrash({"mkdir", "/after-crash-2"});
  const std::string pond_copy = tmp_ / "with-wal";
  fs::copy(dir_, pond_copy, fs::copy_options::recursive);
  // What the pond answers with its WAL whole (in a copy, which checkpoints it).
  const auto answers = Answers();
  EXPECT_THAT(answers.at("list /**"), HasSubstr("/after-crash-2"));
  const std::string wal = ReadFile(Catalog() + "-wal");
  const int64_t page_size = Be32(wal, 8);
  const int64_t frames = (static_cast<int64_t>(wal.size()) - 32) / (page_size + 24);
  ASSERT_GE(frames, 2);
  std::mt19937 rng(7);
  auto restore = [&] {
    fs::remove_all(dir_);
    fs::copy(pond_copy, dir_, fs::copy_options::recursive);
  };
  // The WAL header, then each frame's header and its page.
  std::vector<std::pair<std::string, int64_t>> spots = {{"WAL header", rng() % 32}};
  for (int64_t f = 0; f < frames; ++f) {
    const int64_t at = 32 + f * (page_size + 24);
    spots.push_back({"frame " + std::to_string(f + 1) + " header", at + rng() % 24});
    spots.push_back({"frame " + std::to_string(f + 1) + " page", at + 24 + rng() % page_size});
  }
  for (const auto& [what, offset] : spots) {
    restore();
    FlipBit(Catalog() + "-wal", offset, static_cast<int>(rng() % 8));
    ExpectNoWrongAnswer(answers, what);
    restore();
    FlipBit(Catalog() + "-wal", offset, static_cast<int>(rng() % 8));
    SCOPED_TRACE(what);
    RunResult r = P({"check"});
    // A bit of the WAL header's checkpoint count or a frame's commit size may be
    // one SQLite does not check; everything else is found.
    if (r.exit_code == 0) {
      EXPECT_EQ(P({"list", "/**"}).out, answers.at("list /**"));
    } else {
      EXPECT_THAT(r.out, HasSubstr("catalog.sqlite"));
    }
  }
  restore();
  fs::remove(Catalog() + "-wal");
  ExpectNoWrongAnswer(answers, "deleted WAL");
  ExpectCheckFinds("its write-ahead log lost them");
}

// A damaged page of the file whose newer copy the WAL holds is never read (SQLite
// reads the copy); check names it and --repair writes the copy over it.
TEST_F(CatalogWalDamage, APageTheWalHoldsANewerCopyOfIsRewrittenFromIt) {
  CommitThenCrash({"mkdir", "/after-crash"});
  const auto answers = Answers();
  const std::string wal = ReadFile(Catalog() + "-wal");
  const int64_t page_size = Be32(wal, 8);
  int64_t page = 0;  // the highest page other than 1 that both files hold
  const int64_t file_pages = static_cast<int64_t>(fs::file_size(Catalog())) / page_size;
  for (size_t at = 32; at + 24 + page_size <= wal.size(); at += 24 + page_size) {
    const int64_t p = Be32(wal, at);
    if (p != 1 && p <= file_pages) page = std::max(page, p);
  }
  ASSERT_GT(page, 0);
  FlipBit(Catalog(), (page - 1) * page_size + 1000, 2);
  RunResult check = P({"check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.out, HasSubstr("page " + std::to_string(page) +
                                   " of catalog.sqlite fails its checksum (the write-ahead log "
                                   "holds a newer copy)"));
  EXPECT_THAT(check.err, HasSubstr("rewrites the damaged pages from the write-ahead log"));
  const std::string damaged = tmp_ / "damaged";
  fs::copy(dir_, damaged, fs::copy_options::recursive);
  RunResult repair = P({"check", "--repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  EXPECT_THAT(repair.out, HasSubstr("page " + std::to_string(page) +
                                    " of catalog.sqlite rewritten from the write-ahead log's "
                                    "copy"));
  Ok({"check"});
  EXPECT_EQ(Ok({"list", "/**"}), answers.at("list /**"));
  // Any command answers right meanwhile (and its closing checkpoint rewrites the page).
  fs::remove_all(dir_);
  fs::copy(damaged, dir_, fs::copy_options::recursive);
  ExpectNoWrongAnswer(answers, "a page the WAL holds");
}

TEST_F(CatalogWalDamage, RepairBringsTheCatalogBackFromABackupAndNamesWhatIsLost) {
  const std::string backup = "file://" + (tmp_ / "backup");
  Ok({"backup", "add", "b", backup});
  Ok({"backup", "push"});
  const std::string listed = Ok({"list", "/**"});
  CommitThenCrash({"mkdir", "/after-the-backup"});
  fs::remove(Catalog() + "-wal");
  RunResult damaged = P({"list", "/**"});
  EXPECT_EQ(damaged.exit_code, 1);
  // The URL comes from the catalog itself (its pages are whole; its WAL is lost).
  RunResult r = P({"check", "--repair"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("restored the catalog from snapshot"));
  EXPECT_THAT(r.out, HasSubstr("not recovered: transaction"));
  EXPECT_THAT(r.err, HasSubstr("but 1 transaction could not be recovered"));
  EXPECT_EQ(Ok({"list", "/**"}), listed);
  Ok({"check"});
  Ok({"mkdir", "/after-the-repair"});
  // The damaged catalog is kept.
  bool kept = false;
  for (const auto& e : fs::directory_iterator(dir_))
    kept |= e.path().filename().string().starts_with("catalog.sqlite.damaged-");
  EXPECT_TRUE(kept);

  // Page 1 flipped: the catalog cannot name its backups; the URL is given.
  FlipBit(Catalog(), 200, 3);
  EXPECT_EQ(P({"list", "/**"}).exit_code, 1);
  RunResult with_url = P({"check", "--repair", "--from", backup});
  EXPECT_EQ(with_url.exit_code, 1);  // /after-the-repair is lost
  EXPECT_THAT(with_url.out, HasSubstr("restored the catalog from snapshot")) << with_url.err;
  EXPECT_EQ(Ok({"list", "/**"}), listed);
}

}  // namespace
}  // namespace pond::testing
