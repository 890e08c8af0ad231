#include "store/vfs_shim.h"

namespace pond::store::sqlite::shim {

namespace {

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
int Unlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  *out = nullptr;
  if (Real(f)->pMethods->iVersion < 3 || Real(f)->pMethods->xFetch == nullptr) return SQLITE_OK;
  return Real(f)->pMethods->xFetch(Real(f), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  if (Real(f)->pMethods->iVersion < 3 || Real(f)->pMethods->xUnfetch == nullptr) return SQLITE_OK;
  return Real(f)->pMethods->xUnfetch(Real(f), off, p);
}

int Delete(sqlite3_vfs* v, const char* name, int sync) {
  return Lower(v)->xDelete(Lower(v), name, sync);
}
int Access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return Lower(v)->xAccess(Lower(v), name, flags, out);
}
int FullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return Lower(v)->xFullPathname(Lower(v), name, n, out);
}
int Randomness(sqlite3_vfs* v, int n, char* out) { return Lower(v)->xRandomness(Lower(v), n, out); }
int Sleep(sqlite3_vfs* v, int us) { return Lower(v)->xSleep(Lower(v), us); }
int CurrentTime(sqlite3_vfs* v, double* out) { return Lower(v)->xCurrentTime(Lower(v), out); }
int GetLastError(sqlite3_vfs* v, int n, char* out) {
  return Lower(v)->xGetLastError(Lower(v), n, out);
}
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  return Lower(v)->xCurrentTimeInt64(Lower(v), out);
}

}  // namespace

sqlite3_io_methods Methods(const Overrides& o) {
  sqlite3_io_methods m{};
  m.iVersion = o.version;
  m.xClose = o.close != nullptr ? o.close : Close;
  m.xRead = o.read != nullptr ? o.read : Read;
  m.xWrite = o.write != nullptr ? o.write : Write;
  m.xTruncate = o.truncate != nullptr ? o.truncate : Truncate;
  m.xSync = o.sync != nullptr ? o.sync : Sync;
  m.xFileSize = FileSize;
  m.xLock = Lock;
  m.xUnlock = Unlock;
  m.xCheckReservedLock = CheckReservedLock;
  m.xFileControl = FileControl;
  m.xSectorSize = SectorSize;
  m.xDeviceCharacteristics = DeviceCharacteristics;
  m.xShmMap = ShmMap;
  m.xShmLock = ShmLock;
  m.xShmBarrier = ShmBarrier;
  m.xShmUnmap = ShmUnmap;
  if (o.version >= 3) {
    m.xFetch = o.fetch != nullptr ? o.fetch : Fetch;
    m.xUnfetch = o.unfetch != nullptr ? o.unfetch : Unfetch;
  }
  return m;
}

void Register(sqlite3_vfs& vfs, const char* name, int file_size,
              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*), bool make_default) {
  sqlite3_vfs* lower = sqlite3_vfs_find(nullptr);
  vfs = sqlite3_vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = file_size + lower->szOsFile;
  vfs.mxPathname = lower->mxPathname;
  vfs.zName = name;
  vfs.pAppData = lower;
  vfs.xOpen = open;
  vfs.xDelete = Delete;
  vfs.xAccess = Access;
  vfs.xFullPathname = FullPathname;
  vfs.xRandomness = Randomness;
  vfs.xSleep = Sleep;
  vfs.xCurrentTime = CurrentTime;
  vfs.xGetLastError = GetLastError;
  vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  sqlite3_vfs_register(&vfs, make_default ? 1 : 0);
}

}  // namespace pond::store::sqlite::shim
