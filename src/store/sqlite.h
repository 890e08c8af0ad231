// The catalog's database: a thin RAII layer over SQLite's C API, the only place in
// DuckPond that sees sqlite3.h. A Db is one connection; a Stmt one prepared
// statement with 1-based positional parameters. Every failure throws pond::Error
// carrying SQLite's message and naming the database file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pond::store::sqlite {

class Stmt;

// The catalog file is damaged: `catalog.sqlite is damaged: page 12 fails its
// checksum; run 'pond check' (<path>)`. A connection that saw it no longer
// checkpoints a write-ahead log holding frames when it closes, so a failed command
// leaves the files as they were (and the log for `check --repair`).
class CatalogDamage : public Error {
 public:
  using Error::Error;
};

// Called before SQLite writes, syncs or truncates the database file or its WAL, with
// the operation ("catalog write", "catalog sync", "catalog truncate") and the file.
// Throwing makes that I/O fail (SQLITE_IOERR) instead: the crash and fault tests'
// way into the catalog's own commit.
using WriteHook = std::function<void(const std::string& op, const std::string& path)>;

class Db {
 public:
  enum class Mode {
    kRead,    // an existing file; statements may not write (PRAGMA query_only)
    kWrite,   // an existing file, read and written
    kCreate,  // created when missing
  };
  // Opens `path`. Every connection waits up to 5 s for a lock another connection
  // holds (SQLite's busy timeout), uses WAL and synchronous=FULL, so a committed
  // transaction survives a power cut. Throws `cannot open catalog: … (<path>)`.
  // Every page is sealed and checked (page_sums.h) when the file's reserved bytes
  // say so; kCreate makes a new file so. Writers never spill pages into the WAL
  // before COMMIT (the checked reads of WAL frames rely on it).
  // With a `hook`, the file I/O goes through it (one such Db per process at a time).
  Db(const std::string& path, Mode mode, WriteHook hook = {});
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements that return no rows.
  void Exec(const std::string& sql);
  Stmt Prepare(const std::string& sql);
  // A statement prepared once per connection and reset (bindings cleared) on every
  // call: for queries a command runs once per directory or node.
  Stmt& Cached(const std::string& sql);
  // Single-integer query, e.g. `SELECT count(*) FROM nodes`.
  int64_t QueryInt(const std::string& sql);
  // Copies the database as this connection sees it (the snapshot of its open read
  // transaction, if any) into a new file at `path`, with SQLite's online backup API:
  // consistent while other connections commit. Throws `cannot copy catalog: …`.
  void BackupTo(const std::string& path);
  // Closing will not checkpoint a write-ahead log that holds frames: the files stay
  // as they are (after damage is found outside SQLite, e.g. a catalog that lost commits).
  void KeepWalOnClose();
  // Reserves room for page sums in an existing file; the next VACUUM rewrites every
  // page so (a catalog of format 2 becoming sealed).
  void ReservePageSums();
  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  WriteHook hook_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cached_;
};

class Stmt {
 public:
  ~Stmt();
  Stmt(Stmt&& o) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;

  Stmt& Bind(int index, int64_t v);
  Stmt& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Stmt& Bind(int index, std::string_view v);
  Stmt& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  Stmt& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Stmt& Bind(int index, std::nullopt_t);
  Stmt& BindBlob(int index, std::string_view bytes);
  template <class T>
  Stmt& Bind(int index, const std::optional<T>& v) {
    return v ? Bind(index, *v) : Bind(index, std::nullopt);
  }

  // Advances to the next row: true while there is one. Throws on error.
  bool Step();
  // Runs to completion, ignoring rows (INSERT, UPDATE…).
  void Run();
  // Back to before the first Step, bindings cleared; ends the statement's read.
  void Reset();

  // Columns of the current row, 0-based.
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  std::string Text(int col) const;
  // The same bytes without a copy: valid until the next Step or the Stmt's end.
  std::string_view TextView(int col) const;
  std::string Blob(int col) const;
  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }

 private:
  friend class Db;
  Stmt(sqlite3_stmt* st, const Db& db) : st_(st), db_(&db) {}
  void Check(int rc) const;
  sqlite3_stmt* st_ = nullptr;
  const Db* db_;
};

}  // namespace pond::store::sqlite
