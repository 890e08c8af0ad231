#include "base/host_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace pond {

std::string ReadHostFile(const std::string& path, const std::string& what) {
  // A directory opens as a stream on Linux and reads as nothing: refuse it by name.
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) throw Error("cannot read " + what, path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + what, path);
  return text.str();
}

HostFileReader::HostFileReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error("cannot read file", path);
}

HostFileReader::~HostFileReader() { ::close(fd_); }

int64_t HostFileReader::Read(int64_t n, const std::function<void(std::string_view)>& chunk) {
  int64_t done = 0;
  while (done < n) {
    const auto want = static_cast<size_t>(std::min<int64_t>(n - done, std::ssize(buf_)));
    const ssize_t got = ::read(fd_, buf_.data(), want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error("cannot read file", path_);  // EISDIR too
    if (got == 0) break;
    chunk({buf_.data(), static_cast<size_t>(got)});
    done += got;
  }
  return done;
}

}  // namespace pond
