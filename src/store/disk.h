// The seam through which the store writes to the host file system (as Ninja's
// DiskInterface). Production uses RealDisk; crash tests use a Disk that fails or
// aborts the process at the k-th write operation.
#pragma once

#include <string>

namespace pond::store {

class Disk {
 public:
  virtual ~Disk() = default;
  // Each method is one "write point"; each throws pond::Error naming the path on failure.
  virtual void MakeDirs(const std::string& dir) = 0;
  virtual void WriteFile(const std::string& path, const std::string& bytes) = 0;  // create/truncate
  virtual void Fsync(const std::string& path) = 0;     // a file or a directory
  virtual void Rename(const std::string& from, const std::string& to) = 0;
  virtual void Remove(const std::string& path) = 0;    // a file; missing is fine
  // A point the store passes just before the catalog COMMIT, so a test can crash there.
  virtual void BeforeCommit() {}
};

// The real file system.
Disk& RealDisk();

// A Disk for crash tests, selected by the environment (so the `pond` binary can be
// crashed from a scenario test): POND_FAULT_AT=k makes the k-th write point (1-based,
// BeforeCommit included) fail with an error (POND_FAULT_MODE=error, default) or
// kill the process with SIGKILL (POND_FAULT_MODE=crash). Returns RealDisk() when unset.
Disk& DiskFromEnvironment();

}  // namespace pond::store
