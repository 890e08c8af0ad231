#include "path/path.h"

#include <optional>

#include "base/error.h"

namespace pond {
namespace {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length;
    unsigned char min_second = 0x80, max_second = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min_second = 0xA0;  // overlong
      if (lead == 0xED) max_second = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min_second = 0x90;  // overlong
      if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      const unsigned char lo = k == 1 ? min_second : 0x80;
      const unsigned char hi = k == 1 ? max_second : 0xBF;
      if (byte < lo || byte > hi) return false;
    }
    i += length;
  }
  return true;
}

// Why `name` cannot be a path component; nullopt when it can.
std::optional<std::string> NameProblem(std::string_view name) {
  if (name.empty()) return "empty path component";
  if (name == "." || name == "..") return "invalid path component '" + std::string(name) + "'";
  if (name.size() > kMaxNameBytes) return "path component longer than 255 bytes";
  if (name.find('/') != std::string_view::npos) return "path component contains '/'";
  if (name.find('\0') != std::string_view::npos) return "path component contains a NUL byte";
  if (!IsValidUtf8(name)) return "path component is not valid UTF-8";
  return std::nullopt;
}

// Splits `text` on '/' after dropping one trailing '/'. An empty `text` gives none.
std::vector<std::string_view> SplitOnSlash(std::string_view text) {
  std::vector<std::string_view> pieces;
  if (text.empty()) return pieces;
  if (text.back() == '/') {
    text.remove_suffix(1);
    if (text.empty()) return {text};  // "//": one empty component
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    pieces.push_back(text.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return pieces;
}

// Offset of the '.' starting the extension of `name`, or npos when it has none.
std::size_t ExtensionDot(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || NameProblem(name.substr(0, dot))) {
    return std::string_view::npos;
  }
  return dot;
}

// True when `path` is already canonical: NormalizePath would return it unchanged.
// Checked without allocating, so the common case (paths the tree itself produced)
// costs a scan instead of a split into strings and a join.
bool IsCanonical(std::string_view path) {
  if (path == "/") return true;
  if (path.empty() || path.front() != '/' || path.back() == '/') return false;
  for (std::size_t start = 1;;) {
    const std::size_t slash = path.find('/', start);
    if (NameProblem(path.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::vector<std::string> SplitPath(std::string_view path) {
  if (path.empty()) throw Error("empty path: pond paths must start with '/'", "''");
  if (path.front() != '/') throw Error("pond paths must start with '/'", std::string(path));
  std::vector<std::string> names;
  for (std::string_view piece : SplitOnSlash(path.substr(1))) {
    CheckName(piece, path);
    names.emplace_back(piece);
  }
  return names;
}

std::string NormalizePath(std::string_view path) {
  if (IsCanonical(path)) return std::string(path);
  return JoinNames(SplitPath(path));
}

std::string JoinNames(const std::vector<std::string>& names) {
  if (names.empty()) return "/";
  std::string path;
  for (const std::string& name : names) path += "/" + name;
  for (const std::string& name : names) CheckName(name, path);
  return path;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (IsCanonical(dir) && !NameProblem(name))
    return (dir == "/" ? std::string() : std::string(dir)) + "/" + std::string(name);
  std::vector<std::string> names = SplitPath(dir);
  names.emplace_back(name);
  return JoinNames(names);
}

std::string ParentPath(std::string_view path) {
  if (IsCanonical(path)) {
    const std::size_t slash = path.rfind('/');
    return slash == 0 ? std::string("/") : std::string(path.substr(0, slash));
  }
  std::vector<std::string> names = SplitPath(path);
  if (!names.empty()) names.pop_back();
  return JoinNames(names);
}

std::string BaseName(std::string_view path) {
  if (IsCanonical(path)) return std::string(path.substr(path.rfind('/') + 1));
  std::vector<std::string> names = SplitPath(path);
  return names.empty() ? "" : names.back();
}

std::string Extension(std::string_view path_or_name) {
  const std::size_t slash = path_or_name.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? path_or_name : path_or_name.substr(slash + 1);
  const std::size_t dot = ExtensionDot(name);
  return dot == std::string_view::npos ? "" : std::string(name.substr(dot + 1));
}

std::string PathWithoutExtension(std::string_view path) {
  std::vector<std::string> names = SplitPath(path);
  if (names.empty()) return "/";
  const std::size_t dot = ExtensionDot(names.back());
  if (dot != std::string_view::npos) names.back().resize(dot);
  return JoinNames(names);
}

bool IsValidName(std::string_view name) { return !NameProblem(name); }

void CheckName(std::string_view name, std::string_view where) {
  if (std::optional<std::string> problem = NameProblem(name)) {
    throw Error(std::move(*problem), std::string(where));
  }
}

std::string ResolveSymlinkTarget(std::string_view link_path, std::string_view target) {
  const std::string where = std::string(link_path) + " -> " + std::string(target);
  if (target.empty()) throw Error("empty symlink target", where);
  const bool absolute = target.front() == '/';
  std::vector<std::string> names;
  if (!absolute) {
    names = SplitPath(link_path);
    if (!names.empty()) names.pop_back();
  }
  for (std::string_view piece : SplitOnSlash(absolute ? target.substr(1) : target)) {
    if (piece == ".") continue;
    if (piece == "..") {
      if (!names.empty()) names.pop_back();
      continue;
    }
    CheckName(piece, where);
    names.emplace_back(piece);
  }
  return JoinNames(names);
}

}  // namespace pond
