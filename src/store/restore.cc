// The store's half of backup and restore (docs/backup.md): what a backup copies (the
// catalog under one read, the blob files it needs) and a pond rebuilt from a copy.
#include "store/restore.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "base/error.h"
#include "base/time.h"
#include "store/catalog_file.h"
#include "store/pond_impl.h"
#include "store/retention.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> BlobFilesOf(sqlite::Db& db, int64_t last_seq) {
  const int64_t horizon = Horizon(db);
  std::set<std::string> files =
      horizon > 1 ? NeededBlobs(db, horizon, last_seq) : ReferencedBlobs(db);
  return {files.begin(), files.end()};
}

std::string TrimDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// `blobs/ab/<hash>.parquet` → (<hash>, ".parquet").
std::pair<std::string, std::string> HashAndExtension(const std::string& rel) {
  std::string name = fs::path(rel).filename().string();
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return {name, ""};
  return {name.substr(0, dot), name.substr(dot)};
}

}  // namespace

void Pond::CopyCatalog(const std::string& host_path) const {
  if (impl_->view_seq != impl_->last_seq)
    throw Error("a catalog copy shows every transaction; not with --at", impl_->dir);
  impl_->catalog->BackupTo(host_path);
}

std::vector<std::string> Pond::NeededBlobFiles() const {
  return BlobFilesOf(*impl_->catalog, impl_->last_seq);
}

std::vector<std::string> CatalogBlobFiles(const std::string& catalog_file) {
  CheckCatalogFile(catalog_file);
  sqlite::Db db(catalog_file, sqlite::Db::Mode::kRead);
  db.Exec("BEGIN");
  const std::string format = catalog::FormatVersion(db);
  if (format != catalog::kFormatVersion && format != catalog::kUnsealedFormatVersion)
    throw Error(std::string("not a catalog of pond format ") + catalog::kFormatVersion,
                catalog_file);
  return BlobFilesOf(db, catalog::LastSeq(db));
}

RestoreStats RestorePond(const std::string& dir_in, const FetchCatalog& fetch_catalog,
                         const FetchBlob& fetch_blob) {
  const std::string dir = TrimDir(dir_in);
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  if (existed && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)))
    throw Error("exists and is not empty", dir);
  Disk& disk = DiskFromEnvironment();
  RestoreStats stats;
  try {
    BlobStore blobs(dir, disk);
    const std::string catalog_tmp = blobs.NewTempPath();
    fetch_catalog(catalog_tmp);
    for (const std::string& rel : CatalogBlobFiles(catalog_tmp)) {
      const std::string tmp = blobs.NewTempPath();
      fetch_blob(rel, tmp);
      const auto [hash, extension] = HashAndExtension(rel);
      stats.bytes += blobs.PutExpectedTempFile(tmp, hash, extension).size;
      ++stats.blobs;
    }
    // The catalog last: before this rename `dir` is no pond, after it a whole one.
    disk.Fsync(catalog_tmp);
    disk.Rename(catalog_tmp, dir + "/catalog.sqlite");
    disk.Fsync(dir);
    disk.Remove(blobs.tmp_dir());  // the copy's -wal/-shm, if reading it left them
    stats.last_seq = Pond::OpenRead(dir)->last_seq();
    WriteCommitRecord(dir, stats.last_seq);
  } catch (...) {
    try {
      if (existed) {
        for (const auto& e : fs::directory_iterator(dir, ec)) disk.Remove(e.path().string());
      } else {
        disk.Remove(dir);
      }
    } catch (const std::exception& e) {
      spdlog::warn("restore: cannot clean up {}: {}", dir, e.what());
    }
    throw;
  }
  return stats;
}

namespace {

// The transactions after `after` that the damaged catalog still shows, then those only
// the commit record knows of. Read without checkpointing, so the kept file stays as found.
std::vector<std::string> LostTransactions(const std::string& damaged, int64_t after,
                                          std::optional<int64_t> recorded) {
  std::vector<std::string> lost;
  int64_t last = after;
  try {
    sqlite::Db db(damaged, sqlite::Db::Mode::kRead);
    db.KeepWalOnClose();
    auto st = db.Prepare("SELECT seq, argv FROM transactions WHERE seq > ?1 ORDER BY seq");
    st.Bind(1, after);
    while (st.Step()) {
      lost.push_back(fmt::format("transaction {} {}", st.Int(0), st.Text(1)));
      last = st.Int(0);
    }
  } catch (const Error& e) {
    spdlog::debug("reading the damaged catalog's transactions: {}", e.what());
  }
  if (recorded && *recorded > last)
    lost.push_back(*recorded == last + 1 ? fmt::format("transaction {}", *recorded)
                                         : fmt::format("transactions {}..{}", last + 1, *recorded));
  return lost;
}

}  // namespace

CatalogRepair ReplaceCatalog(const std::string& dir_in, const FetchCatalog& fetch_catalog,
                             const FetchBlob& fetch_blob) {
  const std::string dir = TrimDir(dir_in);
  const std::string catalog = dir + "/catalog.sqlite";
  Disk& disk = DiskFromEnvironment();
  PondLock lock = PondLock::Writer(dir);
  BlobStore blobs(dir, disk);
  CatalogRepair out;
  const std::string copy = blobs.NewTempPath();
  try {
    fetch_catalog(copy);
    std::vector<std::string> needed = CatalogBlobFiles(copy);  // the copy's checks
    {
      sqlite::Db db(copy, sqlite::Db::Mode::kRead);
      auto st = db.Prepare("PRAGMA integrity_check(1)");
      if (!st.Step() || st.Text(0) != "ok")
        throw sqlite::CatalogDamage("the copy fails SQLite's integrity check", copy);
      out.seq = catalog::LastSeq(db);
    }
    for (const std::string& rel : needed) {
      std::error_code ec;
      if (fs::exists(dir + "/" + rel, ec)) continue;
      const std::string tmp = blobs.NewTempPath();
      fetch_blob(rel, tmp);
      const auto [hash, extension] = HashAndExtension(rel);
      blobs.PutExpectedTempFile(tmp, hash, extension);
      ++out.fetched;
    }
  } catch (...) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy + suffix, ec);
    throw;
  }
  out.lost = LostTransactions(catalog, out.seq, ReadCommitRecord(dir));
  out.kept_as = fmt::format("catalog.sqlite.damaged-{}", NowMicros() / 1000000);
  const std::string kept = dir + "/" + out.kept_as;
  disk.Rename(catalog, kept);
  std::error_code ec;
  if (fs::exists(catalog + "-wal", ec)) disk.Rename(catalog + "-wal", kept + "-wal");
  if (fs::exists(catalog + "-shm", ec)) disk.Remove(catalog + "-shm");
  disk.Fsync(copy);
  disk.Rename(copy, catalog);
  disk.Fsync(dir);
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(copy + suffix, ec);
  WriteCommitRecord(dir, out.seq);
  return out;
}

std::vector<std::string> KnownBackupUrls(const std::string& dir) {
  std::vector<std::string> urls;
  try {
    sqlite::Db db(TrimDir(dir) + "/catalog.sqlite", sqlite::Db::Mode::kRead);
    db.KeepWalOnClose();
    auto st = db.Prepare("SELECT url FROM backups WHERE deleted_seq IS NULL ORDER BY name");
    while (st.Step()) urls.push_back(st.Text(0));
  } catch (const Error& e) {
    spdlog::debug("reading the damaged catalog's backups: {}", e.what());
  }
  return urls;
}

}  // namespace pond::store
