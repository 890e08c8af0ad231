#include "store/disk.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "base/error.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void ThrowErrno(const std::string& what, const std::string& path) {
  throw Error(what + ": " + std::strerror(errno), path);
}

void FsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("cannot open for fsync", path);
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    ThrowErrno("fsync failed", path);
  }
  ::close(fd);
}

}  // namespace

bool ReadFileChunks(const std::string& path, const std::function<void(std::string_view)>& chunk) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  // No bigger than the file (and one byte to see its end): a page faulted in costs
  // ~15 us here, and a 1 MiB buffer for a config's hundred bytes took 3 ms of a
  // git-ingest pull (docs/benchmarks.md, "What this machine charges").
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  constexpr uintmax_t kChunk = 1 << 20;
  std::vector<char> buf(static_cast<size_t>(ec ? kChunk : std::min(kChunk, size + 1)));
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) chunk(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw Error("cannot read file", path);
  return true;
}

FileWriter::FileWriter(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) ThrowErrno("cannot create file", path);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::Write(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ThrowErrno("cannot write file", path_);
    done += static_cast<size_t>(n);
  }
}

void FileWriter::Close() {
  const int fd = fd_;
  fd_ = -1;
  if (fd >= 0 && ::close(fd) != 0) ThrowErrno("cannot write file", path_);
}

namespace {

// Creates `dir` and its missing parents top-down, so that with `sync` each new
// directory's entry can be made durable in its parent.
void MakeDirsOf(const std::string& dir, bool sync) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST)
      ThrowErrno("cannot create directory", *it);
    fs::path parent = it->parent_path();
    if (sync) FsyncPath(parent.empty() ? "." : parent.string());
  }
  if (!fs::is_directory(dir, ec)) throw Error("not a directory", dir);
}

class RealDiskImpl : public Disk {
 public:
  void MakeDirs(const std::string& dir) override { MakeDirsOf(dir, true); }
  void MakeDirsUnsynced(const std::string& dir) override { MakeDirsOf(dir, false); }

  void WriteFile(const std::string& path, const std::string& bytes) override {
    FileWriter w(path);
    w.Write(bytes);
    w.Close();
  }

  void ExternalWrite(const std::string&, const std::function<void()>& write) override { write(); }

  void Fsync(const std::string& path) override { FsyncPath(path); }

  void SyncFileSystem(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) ThrowErrno("cannot open for syncfs", path);
    if (::syncfs(fd) != 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      ThrowErrno("syncfs failed", path);
    }
    ::close(fd);
  }

  void Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) ThrowErrno("cannot rename " + from, to);
  }

  void Exchange(const std::string& a, const std::string& b) override {
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0)
      ThrowErrno("cannot exchange with " + a, b);
  }

  void Link(const std::string& from, const std::string& to) override {
    if (::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 0) != 0)
      ThrowErrno("cannot link " + from, to);
  }

  void Remove(const std::string& path) override {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) throw Error("cannot remove: " + ec.message(), path);
  }

  void Touch(const std::string& path) override {
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0 && errno != ENOENT)
      ThrowErrno("cannot set the time of", path);
  }
};

}  // namespace

Disk& RealDisk() {
  static RealDiskImpl disk;
  return disk;
}

void FaultDisk::Point(const std::string& what, const std::string& path) {
  const int point = ++points_;
  std::string desc = path.empty() ? what : what + " " + path;
  if (point != fault_at_) {
    // Tests count a run's points from these lines (POND_LOG=debug, POND_FAULT_AT past them).
    spdlog::debug("write point {} ({})", point, desc);
    return;
  }
  if (mode_ == FaultMode::kStall) {
    spdlog::debug("stalling {} ms at write point {} ({})", stall_ms_, point, desc);
    std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms_));
    return;
  }
  if (mode_ == FaultMode::kCrash) {
    spdlog::debug("injected crash at write point {} ({})", point, desc);
    ::kill(::getpid(), SIGKILL);
    std::abort();  // not reached
  }
  throw Error("injected fault at write point " + std::to_string(point), desc);
}

void FaultDisk::MakeDirs(const std::string& dir) {
  Point("mkdir", dir);
  base_.MakeDirs(dir);
}
void FaultDisk::MakeDirsUnsynced(const std::string& dir) {
  Point("mkdir", dir);
  base_.MakeDirsUnsynced(dir);
}
void FaultDisk::WriteFile(const std::string& path, const std::string& bytes) {
  Point("write", path);
  base_.WriteFile(path, bytes);
}
void FaultDisk::ExternalWrite(const std::string& path, const std::function<void()>& write) {
  Point("before writing", path);
  base_.ExternalWrite(path, write);
  Point("after writing", path);
}
void FaultDisk::Fsync(const std::string& path) {
  Point("fsync", path);
  base_.Fsync(path);
}
void FaultDisk::SyncFileSystem(const std::string& path) {
  Point("syncfs", path);
  base_.SyncFileSystem(path);
}
void FaultDisk::Rename(const std::string& from, const std::string& to) {
  Point("rename", to);
  base_.Rename(from, to);
}
void FaultDisk::Exchange(const std::string& a, const std::string& b) {
  Point("exchange", b);
  base_.Exchange(a, b);
}
void FaultDisk::Link(const std::string& from, const std::string& to) {
  Point("link", to);
  base_.Link(from, to);
}
void FaultDisk::Remove(const std::string& path) {
  Point("remove", path);
  base_.Remove(path);
}
void FaultDisk::Touch(const std::string& path) {
  Point("touch", path);
  base_.Touch(path);
}
void FaultDisk::BeforeCommit() {
  Point("before commit", "");
  base_.BeforeCommit();
}
void FaultDisk::CatalogWrite(const std::string& op, const std::string& path) { Point(op, path); }

Disk& DiskFromEnvironment() {
  static std::unique_ptr<Disk> disk = []() -> std::unique_ptr<Disk> {
    const char* at = std::getenv("POND_FAULT_AT");
    if (at == nullptr || *at == '\0') return nullptr;
    char* end = nullptr;
    long k = std::strtol(at, &end, 10);
    if (*end != '\0' || k < 1) throw Error("POND_FAULT_AT must be a positive integer", at);
    const char* m = std::getenv("POND_FAULT_MODE");
    std::string mode = m != nullptr ? m : "error";
    FaultMode fm;
    long stall_ms = 0;
    if (mode == "error" || mode.empty()) {
      fm = FaultMode::kError;
    } else if (mode == "crash") {
      fm = FaultMode::kCrash;
    } else if (mode.starts_with("stall:") &&
               (stall_ms = std::strtol(mode.c_str() + 6, &end, 10)) >= 0 && *end == '\0' &&
               mode.size() > 6) {
      fm = FaultMode::kStall;
    } else {
      throw Error("POND_FAULT_MODE must be error, crash or stall:MS", mode);
    }
    return std::make_unique<FaultDisk>(RealDisk(), static_cast<int>(k), fm,
                                       static_cast<int>(stall_ms));
  }();
  return disk ? *disk : RealDisk();
}

}  // namespace pond::store
