// The pond's two flock files (docs/storage.md, "Locking"):
// - `pond.lock`, the writer lock: one writer at a time (LOCK_EX). Readers never take it,
//   so a writer never waits for a reader.
// - `blobs.lock`, the blob lock: every reader holds it shared (LOCK_SH) for as long as
//   its snapshot lives; whatever deletes blobs that a committed version refers to takes
//   it exclusively, so it never deletes a blob under a running reader.
// An exclusive holder writes its pid into the file so a blocked process can say who
// holds it. The kernel drops a lock when its process dies: a stale file is harmless.
#pragma once

#include <chrono>
#include <string>

namespace pond::store {

class PondLock {
 public:
  enum class Mode { kShared, kExclusive };
  static constexpr std::chrono::milliseconds kTimeout{5000};

  // The writer lock of the pond at `dir`.
  static PondLock Writer(const std::string& dir, std::chrono::milliseconds timeout = kTimeout);
  // The blob lock, shared (a reader) or exclusive (a blob deleter).
  static PondLock Blobs(const std::string& dir, Mode mode,
                        std::chrono::milliseconds timeout = kTimeout);

  // Takes a lock on `path`, retrying every 100 ms until `timeout`, then throws
  // `<busy> by pid N (<path>)` (with name_holder and a pid in the file) or
  // `<busy> by another process`. Creates the file if missing.
  PondLock(std::string path, Mode mode, const std::string& busy, bool name_holder,
           std::chrono::milliseconds timeout = kTimeout);
  ~PondLock();  // releases
  PondLock(PondLock&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) { o.fd_ = -1; }
  PondLock(const PondLock&) = delete;
  PondLock& operator=(const PondLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace pond::store
