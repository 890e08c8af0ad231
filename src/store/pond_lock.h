// The pond's one-writer lock (spec storage.md, "Locking"): flock on <pond>/pond.lock,
// LOCK_EX for writers and LOCK_SH for readers. The holder writes its pid into the file
// so a blocked process can say who holds it. The kernel drops the lock when the
// process dies, so a stale file is never a problem.
#pragma once

#include <chrono>
#include <string>

namespace pond::store {

class PondLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Takes the lock on `<dir>/pond.lock`, retrying every 100 ms until `timeout`, then
  // throws `pond is locked by pid N (<dir>/pond.lock)`. Creates the file if missing.
  PondLock(const std::string& dir, Mode mode,
           std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~PondLock();  // releases
  PondLock(const PondLock&) = delete;
  PondLock& operator=(const PondLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace pond::store
