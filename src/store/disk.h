// The seam through which pond writes to the host file system (as Ninja's
// DiskInterface): the store's blobs and catalog, the result cache, export's staging
// and publishing, copy-out. Production uses RealDisk; crash tests use a Disk that
// fails or aborts the process at the k-th write operation.
//
// Not behind the seam, by design: the bytes of a file DuckDB's COPY writes (a blob in
// blobs/tmp/, a cached result in cache/tmp/, an export's staged Parquet): the COPY
// runs inside ExternalWrite, between two write points, into a temporary place that
// the seam then syncs and renames. Nor the pid written into a flock'ed lock file (a
// file descriptor, not a path), nor `pond cat`'s scratch file under $TMPDIR (its
// output is stdout). The catalog's own writes are SQLite's, but a Disk that injects
// faults sees them too (CatalogWrite).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace pond::store {

// Reads a host file in chunks of 1 MiB (or of its size, when smaller), handing each to
// `chunk` (memory bounded by the chunk); false when the file cannot be opened, throws `cannot read file (<path>)`
// when a read fails midway. The reading twin of FileWriter.
bool ReadFileChunks(const std::string& path, const std::function<void(std::string_view)>& chunk);

// A host file written in pieces (create/truncate, then Write… then Close), for output
// too large to hold in memory at once. Errors name the file and the errno text.
class FileWriter {
 public:
  explicit FileWriter(const std::string& path);
  ~FileWriter();  // closes without checking; call Close() to know the bytes landed
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  void Write(std::string_view bytes);
  void Close();

 private:
  std::string path_;
  int fd_ = -1;
};

class Disk {
 public:
  virtual ~Disk() = default;
  // Each method is one "write point" (ExternalWrite two); each throws pond::Error
  // naming the path on failure.
  virtual void MakeDirs(const std::string& dir) = 0;  // and parents; existing is fine
  // MakeDirs without its fsyncs, for a tree that SyncFileSystem makes durable whole.
  virtual void MakeDirsUnsynced(const std::string& dir) = 0;
  virtual void WriteFile(const std::string& path, const std::string& bytes) = 0;  // create/truncate
  // The file at `path` written by `write` rather than by the seam (DuckDB's COPY, a
  // stream of chunks): a write point just before it and one just after it, so a fault
  // can strike on either side of a write the seam cannot see into.
  virtual void ExternalWrite(const std::string& path, const std::function<void()>& write) = 0;
  virtual void Fsync(const std::string& path) = 0;  // a file or a directory
  // Everything written to the file system holding `path` reaches the disk (syncfs):
  // one call for a tree of many files, instead of an fsync each.
  virtual void SyncFileSystem(const std::string& path) = 0;
  virtual void Rename(const std::string& from, const std::string& to) = 0;
  // Swaps two existing paths (files or directories) in one step, renameat2's
  // RENAME_EXCHANGE: anyone looking at either name sees one or the other, never none.
  // Throws when the file system cannot (NFS, say), naming `b`.
  virtual void Exchange(const std::string& a, const std::string& b) = 0;
  // A second name `to` (which must not exist) for the file or symlink `from`: the same
  // inode, bytes and mtime (a hard link, not following a symlink).
  virtual void Link(const std::string& from, const std::string& to) = 0;
  virtual void Remove(const std::string& path) = 0;  // a file (or a tree); missing is fine
  // Sets a file's mtime to now (a cached result just used); missing is fine.
  virtual void Touch(const std::string& path) = 0;
  // A point the store passes just before the catalog COMMIT, so a test can crash there.
  virtual void BeforeCommit() {}
  // Whether CatalogWrite matters: only then is the catalog opened through the hook
  // (a wrapper of SQLite's file layer), so production pays nothing for it.
  virtual bool SeesCatalogWrites() const { return false; }
  // SQLite writing, syncing or truncating a catalog file (`op` is "catalog write",
  // "catalog sync" or "catalog truncate"): a write point of its own.
  virtual void CatalogWrite(const std::string& /*op*/, const std::string& /*path*/) {}
};

// The real file system. MakeDirs fsyncs the parent of every directory it creates, so
// a new blobs/ab/ survives a power cut together with the blob renamed into it.
Disk& RealDisk();

// The real file system without fsync, for fixtures and tests that need not survive a
// power cut (thousands of synced writes would take minutes).
class NoSyncDisk : public Disk {
 public:
  void MakeDirs(const std::string& dir) override { RealDisk().MakeDirsUnsynced(dir); }
  void MakeDirsUnsynced(const std::string& dir) override { RealDisk().MakeDirsUnsynced(dir); }
  void WriteFile(const std::string& path, const std::string& bytes) override {
    RealDisk().WriteFile(path, bytes);
  }
  void ExternalWrite(const std::string& path, const std::function<void()>& write) override {
    RealDisk().ExternalWrite(path, write);
  }
  void Fsync(const std::string&) override {}
  void SyncFileSystem(const std::string&) override {}
  void Rename(const std::string& from, const std::string& to) override {
    RealDisk().Rename(from, to);
  }
  void Exchange(const std::string& a, const std::string& b) override { RealDisk().Exchange(a, b); }
  void Link(const std::string& from, const std::string& to) override { RealDisk().Link(from, to); }
  void Remove(const std::string& path) override { RealDisk().Remove(path); }
  void Touch(const std::string& path) override { RealDisk().Touch(path); }
};

enum class FaultMode {
  kError,  // the write point throws pond::Error("injected fault at write point k (…)")
  kCrash,  // the process kills itself with SIGKILL (no destructors, no cleanup)
  kStall,  // the write point sleeps, then proceeds: a writer held mid-transaction, so
           // concurrency tests can act while it holds its locks
};

// Passes every write point to `base`, except the `fault_at`-th (1-based, BeforeCommit
// included), which fails as `mode` says instead of writing. Points are counted across
// threads (export writes partitions on several); which thread's point is the k-th
// then varies, the number of points does not.
class FaultDisk : public Disk {
 public:
  FaultDisk(Disk& base, int fault_at, FaultMode mode, int stall_ms = 0)
      : base_(base), fault_at_(fault_at), mode_(mode), stall_ms_(stall_ms) {}
  void MakeDirs(const std::string& dir) override;
  void MakeDirsUnsynced(const std::string& dir) override;
  void WriteFile(const std::string& path, const std::string& bytes) override;
  void ExternalWrite(const std::string& path, const std::function<void()>& write) override;
  void Fsync(const std::string& path) override;
  void SyncFileSystem(const std::string& path) override;
  void Rename(const std::string& from, const std::string& to) override;
  void Exchange(const std::string& a, const std::string& b) override;
  void Link(const std::string& from, const std::string& to) override;
  void Remove(const std::string& path) override;
  void Touch(const std::string& path) override;
  void BeforeCommit() override;
  bool SeesCatalogWrites() const override { return true; }
  void CatalogWrite(const std::string& op, const std::string& path) override;
  // Write points passed so far (the faulting one included).
  int points() const { return points_; }

 private:
  void Point(const std::string& what, const std::string& path);
  Disk& base_;
  int fault_at_;
  FaultMode mode_;
  int stall_ms_;
  std::atomic<int> points_ = 0;
};

// A Disk for crash tests, selected by the environment (so the `pond` binary can be
// crashed from a scenario test): POND_FAULT_AT=k makes the k-th write point (1-based,
// BeforeCommit and the catalog's writes included) fail with an error
// (POND_FAULT_MODE=error, default), kill the process with SIGKILL (crash), or sleep
// MS milliseconds and go on (stall:MS). Returns RealDisk() when unset.
// Throws pond::Error for a malformed POND_FAULT_AT or POND_FAULT_MODE.
Disk& DiskFromEnvironment();

}  // namespace pond::store
