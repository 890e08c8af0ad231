// Small string helpers shared by every layer.
#pragma once

#include <string>

namespace pond {

// ASCII lowercase: SQL identifiers and file extensions compare case-insensitively.
inline std::string AsciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// `s` with every `from` (not empty) replaced by `to`, left to right; replacements are
// not searched again.
inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace pond
