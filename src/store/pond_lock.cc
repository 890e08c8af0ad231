#include "store/pond_lock.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "base/error.h"

namespace pond::store {

namespace {

// The pid the holder wrote, or "" when the file holds none (yet).
std::string HolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

PondLock PondLock::Writer(const std::string& dir, std::chrono::milliseconds timeout) {
  return PondLock(dir + "/pond.lock", Mode::kExclusive, "pond is locked", true, timeout);
}

PondLock PondLock::Blobs(const std::string& dir, Mode mode, std::chrono::milliseconds timeout) {
  // Only exclusive holders write their pid: a deleter waiting for readers has none to name.
  return mode == Mode::kShared
             ? PondLock(dir + "/blobs.lock", mode, "pond blobs are being deleted", true, timeout)
             : PondLock(dir + "/blobs.lock", mode, "pond is being read", false, timeout);
}

PondLock::PondLock(std::string path, Mode mode, const std::string& busy, bool name_holder,
                   std::chrono::milliseconds timeout)
    : path_(std::move(path)) {
  bool writable = true;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0 && mode == Mode::kShared) {
    // A reader of a pond it may not write (read-only mount) still takes the lock.
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    writable = false;
  }
  if (fd_ < 0) throw Error(std::string("cannot open lock file: ") + std::strerror(errno), path_);

  const int op = (mode == Mode::kExclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      int saved = errno;
      ::close(fd_);
      throw Error(std::string("cannot lock: ") + std::strerror(saved), path_);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string pid = name_holder ? HolderPid(fd_) : "";
      ::close(fd_);
      fd_ = -1;
      throw Error(busy + (pid.empty() ? " by another process" : " by pid " + pid), path_);
    }
    spdlog::debug("pond is locked ({}); retrying", path_);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (writable && mode == Mode::kExclusive) {
    // Best effort: the pid only makes a blocked process's message helpful.
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0)
      spdlog::debug("cannot write pid into {}: {}", path_, std::strerror(errno));
  }
}

PondLock::~PondLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace pond::store
