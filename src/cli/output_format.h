// Small text and JSON formatting shared by the pond commands (header-only, so the
// cli target's cmd_*.cc glob needs no new source).
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace pond::cli {

// Microseconds rounded down to a whole second.
inline int64_t TruncateToSecond(int64_t micros) {
  int64_t rem = micros % 1000000;
  return micros - (rem < 0 ? rem + 1000000 : rem);
}

// `2024-09-23 10:02:11`: a commit time to the second, as `list -l` and `log` show it.
inline std::string FormatSeconds(int64_t micros) {
  return FormatTimestamp(TruncateToSecond(micros));
}

// JSON text that never throws on invalid UTF-8 (host file names may hold any bytes).
inline std::string JsonText(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// A JSON array with one element a line, as docs/paths.md shows for
// `list --json`: `[{…},\n {…}]`; `[]` when empty. Elements are JSON texts.
inline std::string JsonArrayLines(const std::vector<std::string>& elements) {
  if (elements.empty()) return "[]\n";
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i) out += (i ? ",\n " : "") + elements[i];
  return out + "]\n";
}

inline std::string JsonArrayLines(const std::vector<nlohmann::ordered_json>& elements) {
  std::vector<std::string> texts;
  for (const auto& e : elements) texts.push_back(JsonText(e));
  return JsonArrayLines(texts);
}

// An argument as a shell would need it: bare when safe, else in single quotes.
inline std::string ShellQuote(const std::string& arg) {
  bool safe = !arg.empty();
  for (unsigned char c : arg)
    safe = safe && (std::isalnum(c) || std::string_view("_-./:=@%+,").find(static_cast<char>(c)) !=
                                           std::string_view::npos);
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "1 file", "3 files".
inline std::string Plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

inline void PrintText(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace pond::cli
