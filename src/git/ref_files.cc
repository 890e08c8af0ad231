#include "git/ref_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace pond::git {

namespace {

constexpr size_t kIdHex = 40;

bool IsObjectId(std::string_view s) {
  return s.size() == kIdHex &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// A name that is a relative path below the repository and nothing else: no empty or
// dot segment (so no `..`), no control byte. Other names are never cached.
bool IsPlainName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t begin = 0; begin <= name.size();) {
    const size_t end = std::min(name.find('/', begin), name.size());
    const std::string_view segment = name.substr(begin, end - begin);
    if (segment.empty() || segment.front() == '.') return false;
    begin = end + 1;
  }
  return std::none_of(name.begin(), name.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '\\'; });
}

enum class Read { kMissing, kValue, kUnknown };

// The loose ref file `path`: its object id, missing (no such file, or a folder), or
// unknown (anything else: a symbolic ref, an unreadable file).
Read ReadLoose(const std::string& path, std::string& value) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? Read::kMissing : Read::kUnknown;
  struct stat st;
  char buf[128];
  ssize_t n = -1;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Read::kMissing;
    }
    if (S_ISREG(st.st_mode)) n = ::read(fd, buf, sizeof buf);
  }
  ::close(fd);
  if (n < 0) return Read::kUnknown;
  std::string_view text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  if (!IsObjectId(text)) return Read::kUnknown;
  value.assign(text);
  return Read::kValue;
}

// `packed-refs`' value of `name`: missing when the file or its line is; unknown when
// the file cannot be read.
Read ReadPacked(const std::optional<std::string>& packed, const std::string& name,
                std::string& value) {
  if (!packed) return Read::kMissing;
  std::string_view rest = *packed;
  while (!rest.empty()) {
    const size_t nl = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(std::min(nl + 1, rest.size()));
    // `<id> <name>`; `#` heads the file, `^<id>` peels the line before it.
    if (line.size() > kIdHex + 1 && line[kIdHex] == ' ' && line.substr(kIdHex + 1) == name) {
      if (!IsObjectId(line.substr(0, kIdHex))) return Read::kUnknown;
      value.assign(line.substr(0, kIdHex));
      return Read::kValue;
    }
  }
  return Read::kMissing;
}

// The bytes of `dir/packed-refs`, nullopt when there is none; throws nothing.
std::optional<std::string> ReadPackedRefs(const std::string& dir, bool& unreadable) {
  const std::string path = dir + "/packed-refs";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    unreadable = errno != ENOENT;
    return std::nullopt;
  }
  std::string bytes;
  char buf[1 << 14];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0) {
      unreadable = true;
      break;
    }
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace

std::vector<std::string> PublishedRefNames(const std::string& ref) {
  return {"refs/remotes/origin/" + ref, "refs/heads/" + ref, "refs/tags/" + ref, ref};
}

std::optional<std::string> PublishedRefState(const std::string& dir, const std::string& ref) {
  bool unreadable = false;
  const std::optional<std::string> packed = ReadPackedRefs(dir, unreadable);
  if (unreadable) return std::nullopt;
  std::string state;
  for (const std::string& name : PublishedRefNames(ref)) {
    if (!IsPlainName(name)) return std::nullopt;
    std::string value;
    // A loose file wins over packed-refs, as in libgit2 and git.
    Read read = ReadLoose(dir + "/" + name, value);
    if (read == Read::kMissing) read = ReadPacked(packed, name, value);
    if (read == Read::kUnknown) return std::nullopt;
    state += name + " " + (read == Read::kValue ? value : "-") + "\n";
  }
  return state;
}

}  // namespace pond::git
