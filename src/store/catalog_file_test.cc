// The catalog file before SQLite opens it (catalog_file.h): a foreign SQLite file is
// refused, naming the file, and left as it was; a pond of format 2 (no page sums) is
// read as it is and sealed by the first writer; a sealed page that changes fails its
// read in one CatalogDamage naming the page.
#include "store/catalog_file.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/check.h"
#include "store/page_sums.h"
#include "store/pond.h"
#include "store/sqlite.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `sql` on `path` through SQLite's own file layer, not the pond's.
void Plain(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix"),
            SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

class CatalogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pond-catalog-file-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    dir_ = (root_ / "pond").string();
    Pond::Init(dir_, {"pond", "init"}, {}, &RealDisk());
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    t->Mkdir("/raw", false);
    t->WriteData("/raw/a.txt", "alpha");
    t->Commit();
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Catalog() const { return dir_ + "/catalog.sqlite"; }

  fs::path root_;
  std::string dir_;
};

TEST_F(CatalogFileTest, ForeignSqliteFilesAreRefusedAndLeftAsTheyWere) {
  for (const char* mode : {"WAL", "DELETE"}) {
    SCOPED_TRACE(mode);
    fs::remove(Catalog());
    Plain(Catalog(), std::string("PRAGMA journal_mode=") + mode +
                         "; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    const std::string before = Bytes(Catalog());
    for (bool writer : {false, true}) {
      try {
        if (writer)
          Pond::OpenWrite(dir_, &RealDisk());
        else
          Pond::OpenRead(dir_);
        ADD_FAILURE() << "opened a foreign file";
      } catch (const sqlite::CatalogDamage& e) {
        EXPECT_NE(std::string(e.what()).find("catalog.sqlite is not a pond catalog"),
                  std::string::npos)
            << e.what();
      }
      EXPECT_EQ(Bytes(Catalog()), before);
      EXPECT_FALSE(fs::exists(Catalog() + "-wal"));
    }
  }
}

TEST_F(CatalogFileTest, FormatTwoIsReadThenSealedByTheFirstWriter) {
  // A catalog as format 2 made it: the same tables and rows, no reserved bytes, no id.
  const std::string old = dir_ + "/old.sqlite";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(old.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix"),
              SQLITE_OK);
    const std::string attach = "ATTACH '" + Catalog() + "' AS src";
    ASSERT_EQ(sqlite3_exec(db, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name, sql FROM src.sqlite_schema WHERE type = 'table'", -1, &st,
                       nullptr);
    std::vector<std::pair<std::string, std::string>> tables;
    while (sqlite3_step(st) == SQLITE_ROW)
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                          reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    sqlite3_finalize(st);
    for (const auto& [name, sql] : tables) {
      const std::string copy = sql + "; INSERT INTO main." + name + " SELECT * FROM src." + name;
      ASSERT_EQ(sqlite3_exec(db, copy.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << name;
    }
    ASSERT_EQ(sqlite3_exec(db,
                           "DETACH src; UPDATE meta SET value = '2' WHERE key = "
                           "'format_version'; PRAGMA journal_mode=WAL;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  fs::rename(old, Catalog());
  EXPECT_EQ(Bytes(Catalog())[20], 0);  // no reserved bytes
  EXPECT_EQ(CheckCatalogFile(Catalog()), CatalogFile::kUnsealed);
  EXPECT_EQ(Pond::OpenRead(dir_)->ReadData(Pond::OpenRead(dir_)->Get("/raw/a.txt")), "alpha");
  {
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    t->WriteData("/raw/a.txt", "beta");
    t->Commit();
  }
  EXPECT_EQ(Bytes(Catalog())[20], sqlite::kPageSumBytes);
  EXPECT_EQ(CheckCatalogFile(Catalog()), CatalogFile::kSealed);
  auto r = Pond::OpenRead(dir_);
  EXPECT_EQ(r->ReadData(r->Get("/raw/a.txt")), "beta");
  EXPECT_EQ(r->Get("/raw/a.txt").versions.size(), 2u);
  EXPECT_TRUE(CheckPond(dir_, false, &RealDisk()).problems.empty());
}

TEST_F(CatalogFileTest, AChangedPageFailsItsReadNamingThePage) {
  std::string b = Bytes(Catalog());
  const size_t page = 4096;
  ASSERT_GT(b.size(), 2 * page);
  b[page + 300] = static_cast<char>(b[page + 300] ^ 4);  // page 2: the schema's first table
  std::ofstream(Catalog(), std::ios::binary | std::ios::trunc) << b;
  try {
    auto r = Pond::OpenRead(dir_);
    r->Get("/raw/a.txt");
    ADD_FAILURE() << "read a damaged page";
  } catch (const sqlite::CatalogDamage& e) {
    EXPECT_NE(std::string(e.what()).find("catalog.sqlite is damaged: page"), std::string::npos)
        << e.what();
  }
  const CheckReport report = CheckPond(dir_, false, &RealDisk());
  ASSERT_TRUE(report.catalog_damaged());
  EXPECT_EQ(report.problems.front().text, "page 2 of catalog.sqlite fails its checksum");
}

// While another connection keeps the WAL (a reader's snapshot), a new reader takes
// committed pages from it through SQLite's index, without recovery: each such read is
// checked against its frame's checksum.
TEST_F(CatalogFileTest, AChangedWalFrameFailsTheReadThatTakesIt) {
  auto old_reader = Pond::OpenRead(dir_);
  {
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    t->WriteData("/raw/b.txt", "gamma");
    t->Commit();
  }
  std::string wal = Bytes(Catalog() + "-wal");
  ASSERT_GT(wal.size(), 32u + 24 + 4096);
  EXPECT_EQ(Pond::OpenRead(dir_)->ReadData(Pond::OpenRead(dir_)->Get("/raw/b.txt")), "gamma");
  // Every frame's page, one byte each: whichever the next reader takes fails.
  for (size_t frame = 32; frame + 24 + 4096 <= wal.size(); frame += 24 + 4096)
    wal[frame + 24 + 100] = static_cast<char>(wal[frame + 24 + 100] ^ 1);
  std::ofstream(Catalog() + "-wal", std::ios::binary | std::ios::in | std::ios::out) << wal;
  try {
    auto r = Pond::OpenRead(dir_);
    r->Get("/raw/b.txt");
    ADD_FAILURE() << "read a damaged WAL frame";
  } catch (const sqlite::CatalogDamage& e) {
    EXPECT_NE(std::string(e.what()).find("of catalog.sqlite-wal fails its checksum"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pond::store
