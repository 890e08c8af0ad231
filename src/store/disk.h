// The seam through which the store writes to the host file system (as Ninja's
// DiskInterface). Production uses RealDisk; crash tests use a Disk that fails or
// aborts the process at the k-th write operation.
//
// Not behind the seam, by design: the Parquet file a DuckDB COPY writes into
// blobs/tmp/ (the store fsyncs it through the seam right after) and the pid written
// into a flock'ed lock file (a file descriptor, not a path). The catalog's own writes
// are SQLite's, but a Disk that injects faults sees them too (CatalogWrite).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace pond::store {

// Reads a host file in 1 MiB chunks, handing each to `chunk` (memory bounded by the
// chunk); false when the file cannot be opened, throws `cannot read file (<path>)`
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
  // Each method is one "write point"; each throws pond::Error naming the path on failure.
  virtual void MakeDirs(const std::string& dir) = 0;  // and parents; existing is fine
  virtual void WriteFile(const std::string& path, const std::string& bytes) = 0;  // create/truncate
  virtual void Fsync(const std::string& path) = 0;  // a file or a directory
  virtual void Rename(const std::string& from, const std::string& to) = 0;
  virtual void Remove(const std::string& path) = 0;  // a file (or a tree); missing is fine
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
  void MakeDirs(const std::string& dir) override { RealDisk().MakeDirs(dir); }
  void WriteFile(const std::string& path, const std::string& bytes) override {
    RealDisk().WriteFile(path, bytes);
  }
  void Fsync(const std::string&) override {}
  void Rename(const std::string& from, const std::string& to) override {
    RealDisk().Rename(from, to);
  }
  void Remove(const std::string& path) override { RealDisk().Remove(path); }
};

enum class FaultMode {
  kError,  // the write point throws pond::Error("injected fault at write point k (…)")
  kCrash,  // the process kills itself with SIGKILL (no destructors, no cleanup)
  kStall,  // the write point sleeps, then proceeds: a writer held mid-transaction, so
           // concurrency tests can act while it holds its locks
};

// Passes every write point to `base`, except the `fault_at`-th (1-based, BeforeCommit
// included), which fails as `mode` says instead of writing.
class FaultDisk : public Disk {
 public:
  FaultDisk(Disk& base, int fault_at, FaultMode mode, int stall_ms = 0)
      : base_(base), fault_at_(fault_at), mode_(mode), stall_ms_(stall_ms) {}
  void MakeDirs(const std::string& dir) override;
  void WriteFile(const std::string& path, const std::string& bytes) override;
  void Fsync(const std::string& path) override;
  void Rename(const std::string& from, const std::string& to) override;
  void Remove(const std::string& path) override;
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
  int points_ = 0;
};

// A Disk for crash tests, selected by the environment (so the `pond` binary can be
// crashed from a scenario test): POND_FAULT_AT=k makes the k-th write point (1-based,
// BeforeCommit and the catalog's writes included) fail with an error
// (POND_FAULT_MODE=error, default), kill the process with SIGKILL (crash), or sleep
// MS milliseconds and go on (stall:MS). Returns RealDisk() when unset.
// Throws pond::Error for a malformed POND_FAULT_AT or POND_FAULT_MODE.
Disk& DiskFromEnvironment();

}  // namespace pond::store
