// What the catalog's VFS shims (sqlite.cc's write hook, page_sums.cc's page sums) pass
// through unchanged to the layer below them, SQLite's shim pattern: a shim's file
// struct begins with ShimFile, whose `real` is the lower layer's file, allocated right
// after the shim's struct; the shim VFS's pAppData is the lower VFS. Only src/store
// includes this header (it sees sqlite3.h).
#pragma once

#include <sqlite3.h>

namespace pond::store::sqlite::shim {

struct ShimFile {
  sqlite3_file base;   // pMethods: the shim's, once the lower file is open
  sqlite3_file* real;  // the lower layer's file
};

inline sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
inline sqlite3_vfs* Lower(sqlite3_vfs* v) { return static_cast<sqlite3_vfs*>(v->pAppData); }

// The methods a shim changes; a null one is forwarded. Version 2 has no xFetch and
// xUnfetch (no memory mapping), so every write passes xWrite.
struct Overrides {
  int version = 2;
  int (*close)(sqlite3_file*) = nullptr;
  int (*read)(sqlite3_file*, void*, int, sqlite3_int64) = nullptr;
  int (*write)(sqlite3_file*, const void*, int, sqlite3_int64) = nullptr;
  int (*truncate)(sqlite3_file*, sqlite3_int64) = nullptr;
  int (*sync)(sqlite3_file*, int) = nullptr;
  int (*fetch)(sqlite3_file*, sqlite3_int64, int, void**) = nullptr;
  int (*unfetch)(sqlite3_file*, sqlite3_int64, void*) = nullptr;
};
sqlite3_io_methods Methods(const Overrides& o);

// Registers `vfs` (static storage) as a shim named `name` over the current default
// VFS: files of `file_size` bytes plus the lower layer's, opened by `open`, every
// other method forwarded.
void Register(sqlite3_vfs& vfs, const char* name, int file_size,
              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*), bool make_default);

}  // namespace pond::store::sqlite::shim
