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

}  // namespace pond
