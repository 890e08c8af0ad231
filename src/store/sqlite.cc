#include "store/sqlite.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <exception>
#include <filesystem>
#include <mutex>
#include <new>
#include <utility>

#include "base/error.h"
#include "store/page_sums.h"
#include "store/vfs_shim.h"

namespace pond::store::sqlite {

namespace {

std::exception_ptr hook_error;  // what the WriteHook threw, for the failed statement's error

// After damage: a write-ahead log that holds frames stays as it is (closing would
// checkpoint them into the damaged file, and `check --repair` may need them); an
// empty one goes as usual, so a failed command leaves no new file behind.
void KeepWal(sqlite3* db, const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path + "-wal", ec);
  if (!ec && size > 32) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

// Damage, told by SQLite's extended result code: a page or WAL frame that fails its
// checksum (page_sums.h), a B-tree SQLite finds malformed, a file that is no database.
// The connection then keeps its files as they are when it closes (no checkpoint).
void ThrowIfDamage(sqlite3* db, int code, const std::string& path) {
  std::string what;
  if (code == SQLITE_IOERR_DATA) {
    what = TakePageDamage();
    if (what.empty()) what = "a page fails its checksum";
  } else if ((code & 0xff) == SQLITE_CORRUPT) {
    what = sqlite3_errstr(code);
  } else if ((code & 0xff) == SQLITE_NOTADB) {
    what = "it is not a database";
  } else {
    return;
  }
  KeepWal(db, path);
  throw CatalogDamage(std::filesystem::path(path).filename().string() + " is damaged: " + what +
                          "; run 'pond check'",
                      path);
}

[[noreturn]] void Fail(sqlite3* db, const std::string& what, const std::string& path) {
  // An injected fault is the cause a test wants to read, not SQLite's "disk I/O error".
  if (std::exception_ptr e = std::exchange(hook_error, nullptr)) std::rethrow_exception(e);
  if (db != nullptr) ThrowIfDamage(db, sqlite3_extended_errcode(db), path);
  throw Error(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"), path);
}

// --- the hook VFS ------------------------------------------------------------
// A shim over the default VFS that calls the open Db's WriteHook before each write,
// sync and truncate of a main database or WAL file, and forwards everything else.

const WriteHook* active_hook = nullptr;  // the Db opened with a hook, if any
constexpr const char* kHookVfs = "pond-hook";

struct HookFile {
  shim::ShimFile shim;
  std::string* path;  // main database and WAL files: for the hook; others: null
};

int CallHook(sqlite3_file* f, const char* op, int failure) {
  const std::string* path = reinterpret_cast<HookFile*>(f)->path;
  if (active_hook == nullptr || path == nullptr) return SQLITE_OK;
  try {
    (*active_hook)(op, *path);
    return SQLITE_OK;
  } catch (...) {
    hook_error = std::current_exception();  // never let it cross SQLite's C frames
    return failure;
  }
}

int HookClose(sqlite3_file* f) {
  auto* h = reinterpret_cast<HookFile*>(f);
  sqlite3_file* real = h->shim.real;
  int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
  delete h->path;
  h->path = nullptr;
  return rc;
}
int HookWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int rc = CallHook(f, "catalog write", SQLITE_IOERR_WRITE); rc != SQLITE_OK) return rc;
  return shim::Real(f)->pMethods->xWrite(shim::Real(f), buf, n, off);
}
int HookTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = CallHook(f, "catalog truncate", SQLITE_IOERR_TRUNCATE); rc != SQLITE_OK) return rc;
  return shim::Real(f)->pMethods->xTruncate(shim::Real(f), size);
}
int HookSync(sqlite3_file* f, int flags) {
  if (int rc = CallHook(f, "catalog sync", SQLITE_IOERR_FSYNC); rc != SQLITE_OK) return rc;
  return shim::Real(f)->pMethods->xSync(shim::Real(f), flags);
}

// Version 2: no memory-mapped I/O (xFetch), so every write passes xWrite.
const sqlite3_io_methods kHookMethods = shim::Methods({.version = 2,
                                                       .close = HookClose,
                                                       .write = HookWrite,
                                                       .truncate = HookTruncate,
                                                       .sync = HookSync});

int HookOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* h = reinterpret_cast<HookFile*>(file);
  h->shim.base.pMethods = nullptr;
  h->shim.real = reinterpret_cast<sqlite3_file*>(h + 1);
  h->shim.real->pMethods = nullptr;
  h->path = nullptr;
  const int rc = shim::Lower(vfs)->xOpen(shim::Lower(vfs), name, h->shim.real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  // Journals and temp files pass through unwatched (no path).
  if ((flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0) {
    h->path = new (std::nothrow) std::string(name != nullptr ? name : "");
    if (h->path == nullptr) {
      h->shim.real->pMethods->xClose(h->shim.real);
      return SQLITE_NOMEM;
    }
  }
  h->shim.base.pMethods = &kHookMethods;
  return SQLITE_OK;
}

void RegisterHookVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    static sqlite3_vfs vfs;
    shim::Register(vfs, kHookVfs, static_cast<int>(sizeof(HookFile)), HookOpen,
                   /*make_default=*/false);
  });
}

}  // namespace

Db::Db(const std::string& path, Mode mode, WriteHook hook) : path_(path), hook_(std::move(hook)) {
  RegisterPageSums();  // before the hook's layer, which goes over the default one
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |=
      mode == Mode::kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
  const char* vfs = nullptr;
  if (hook_) {
    if (active_hook != nullptr) throw Error("catalog: a second hooked connection", path);
    RegisterHookVfs();
    active_hook = &hook_;
    vfs = kHookVfs;
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK && mode == Mode::kRead) {
    // A pond on a read-only mount: SQLite reads WAL databases read-only as long as
    // the -shm file exists or the directory lets it be recovered.
    sqlite3_close(db_);
    db_ = nullptr;
    rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  }
  if (rc != SQLITE_OK) {
    std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    if (hook_) active_hook = nullptr;
    throw Error("cannot open catalog: " + msg, path);
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
  if (mode == Mode::kCreate) {
    // Before SQLite writes the first page: 8 reserved bytes a page for its sum.
    int reserve = kPageSumBytes;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  }
  try {
    // journal_mode is persistent in the file; setting it again is a no-op read.
    if (mode != Mode::kRead) Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    if (mode == Mode::kRead) Exec("PRAGMA query_only=1");
    // Frames are written once, at COMMIT, with their final checksums (page_sums.h).
    if (mode != Mode::kRead) Exec("PRAGMA cache_spill=OFF");
    Exec("PRAGMA mmap_size=268435456");
  } catch (...) {
    sqlite3_close(db_);
    if (hook_) active_hook = nullptr;
    throw;
  }
}

Db::~Db() {
  // Other statements are finalized by their own destructors before this runs.
  cached_.clear();
  if (sqlite3_close(db_) != SQLITE_OK) spdlog::debug("closing {}: {}", path_, sqlite3_errmsg(db_));
  if (hook_) active_hook = nullptr;
}

void Db::KeepWalOnClose() { KeepWal(db_, path_); }

void Db::ReservePageSums() {
  int reserve = kPageSumBytes;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK)
    Fail(db_, "catalog: cannot reserve page sums", path_);
}

void Db::Exec(const std::string& sql) {
  spdlog::debug("catalog: {}", sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (std::exception_ptr e = std::exchange(hook_error, nullptr)) std::rethrow_exception(e);
    ThrowIfDamage(db_, sqlite3_extended_errcode(db_), path_);
    throw Error("catalog: " + msg, path_);
  }
}

Stmt Db::Prepare(const std::string& sql) {
  spdlog::debug("catalog: {}", sql);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
    Fail(db_, "catalog", path_);
  return Stmt(st, *this);
}

Stmt& Db::Cached(const std::string& sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end())
    return *cached_.emplace(sql, std::make_unique<Stmt>(Prepare(sql))).first->second;
  it->second->Reset();
  return *it->second;
}

int64_t Db::QueryInt(const std::string& sql) {
  Stmt st = Prepare(sql);
  if (!st.Step()) throw Error("catalog: no row for " + sql, path_);
  return st.Int(0);
}

void Db::BackupTo(const std::string& path) {
  spdlog::debug("catalog: copy to {}", path);
  sqlite3* dest = nullptr;
  auto fail = [&](const char* what) {
    std::string msg =
        std::string(what) + ": " + (dest != nullptr ? sqlite3_errmsg(dest) : "out of memory");
    sqlite3_close(dest);
    throw Error("cannot copy catalog: " + msg, path);
  };
  if (sqlite3_open_v2(path.c_str(), &dest,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    fail("open");
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_, "main");
  if (backup == nullptr) fail("start");
  // One step copies every page under one read of the source: a single snapshot.
  const int step = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) {
    try {
      ThrowIfDamage(db_, step, path_);  // a damaged source page
    } catch (...) {
      sqlite3_close(dest);
      throw;
    }
    fail("copy");
  }
  if (sqlite3_close(dest) != SQLITE_OK) fail("close");
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

void Stmt::Reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

Stmt::Stmt(Stmt&& o) noexcept : st_(o.st_), db_(o.db_) { o.st_ = nullptr; }

void Stmt::Check(int rc) const {
  if (rc != SQLITE_OK) Fail(db_->raw(), "catalog", db_->path());
}

Stmt& Stmt::Bind(int index, int64_t v) {
  Check(sqlite3_bind_int64(st_, index, v));
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view v) {
  Check(sqlite3_bind_text64(st_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view v) {
  Check(sqlite3_bind_blob64(st_, index, v.data(), v.size(), SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::Bind(int index, std::nullopt_t) {
  Check(sqlite3_bind_null(st_, index));
  return *this;
}

bool Stmt::Step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(db_->raw(), "catalog", db_->path());
}

void Stmt::Run() {
  while (Step()) {
  }
  sqlite3_reset(st_);
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(st_, col); }

std::string Stmt::Text(int col) const { return std::string(TextView(col)); }

std::string Stmt::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
  return p == nullptr ? std::string()
                      : std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col)));
}

std::string_view Stmt::TextView(int col) const {
  const auto* p = sqlite3_column_text(st_, col);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_column_bytes(st_, col)));
}

}  // namespace pond::store::sqlite
