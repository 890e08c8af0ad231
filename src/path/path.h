// Pond paths (docs/paths.md): absolute, '/'-separated, names compared
// byte-wise. Every function taking a path validates it and throws pond::Error with
// where = the offending path; none touches a tree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pond {

// A name is at most this many bytes.
inline constexpr std::size_t kMaxNameBytes = 255;
// Following more link hops than this while resolving one path is `symlink loop`.
inline constexpr int kMaxSymlinkHops = 32;

// The names of an absolute path, root first; "/" gives none. A trailing '/' is
// ignored. Throws `pond paths must start with '/'` for a relative or empty path,
// `invalid path component '..'` (or '.'), `empty path component`, or another name
// problem (see CheckName).
std::vector<std::string> SplitPath(std::string_view path);

// The canonical spelling of a path (`/raw/` -> `/raw`). Throws like SplitPath.
std::string NormalizePath(std::string_view path);

// "/" followed by `names` joined with '/'; no names gives "/". Throws if a name is
// invalid (where = the joined path).
std::string JoinNames(const std::vector<std::string>& names);

// `dir` + '/' + `name` (`/` + `a` -> `/a`). Throws if `dir` is not a valid path or
// `name` not a valid name.
std::string JoinPath(std::string_view dir, std::string_view name);

// The directory holding `path`; the root is its own parent. Throws like SplitPath.
std::string ParentPath(std::string_view path);

// The last name of `path`; "" for the root. Throws like SplitPath.
std::string BaseName(std::string_view path);

// The extension of a name, or of a path's last name: the text after its last '.'
// (`res=1d.series` -> `series`), "" when there is none. A name has an extension only
// if removing it leaves a valid name, so `.hidden` and `..x` have none. Never throws.
std::string Extension(std::string_view path_or_name);

// `path` with '.' + extension removed from its last name
// (`/a/res=1d.series` -> `/a/res=1d`); unchanged when there is no extension.
// Throws like SplitPath.
std::string PathWithoutExtension(std::string_view path);

// True if `name` can be one component of a path: non-empty UTF-8, at most 255
// bytes, no '/' or NUL, not `.` or `..`.
bool IsValidName(std::string_view name);

// Throws pond::Error(<problem>, where) if `name` is not valid. Problems:
// `empty path component`, `invalid path component '.'` / `'..'`,
// `path component longer than 255 bytes`, `path component contains '/'`,
// `path component contains a NUL byte`, `path component is not valid UTF-8`.
void CheckName(std::string_view name, std::string_view where);

// The absolute path a symlink at `link_path` designates. `target` is as stored: an
// absolute path, or relative to the link's parent directory. In targets (only) `.`
// is skipped and `..` goes up one level, lexically; `..` at the root stays there.
// Throws (where = `<link_path> -> <target>`) for an empty target or an invalid name.
std::string ResolveSymlinkTarget(std::string_view link_path, std::string_view target);

}  // namespace pond
