// UTF-8 and Unicode helpers matching Rust's `char`/`str` behaviour that Tera relies
// on: White_Space trimming, full case mapping, \w, and extended grapheme clusters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pond::tmpl::unicode {

// Decodes the code point at s[i] and advances i; an invalid byte decodes as U+FFFD.
char32_t Next(std::string_view s, size_t& i);
void Append(std::string& out, char32_t cp);
bool IsValidUtf8(std::string_view s);
size_t CharCount(std::string_view s);

bool IsWhitespace(char32_t cp);  // Rust char::is_whitespace (White_Space)
bool IsWordChar(char32_t cp);    // regex \w with Unicode
bool IsAlphanumeric(char32_t cp);

std::string_view TrimStart(std::string_view s);
std::string_view TrimEnd(std::string_view s);
std::string_view Trim(std::string_view s);

std::string ToUpper(std::string_view s);  // str::to_uppercase
std::string ToLower(std::string_view s);  // str::to_lowercase (with final sigma)
// One code point's mapping, as char::to_uppercase / to_lowercase.
void AppendUpper(std::string& out, char32_t cp);
void AppendLower(std::string& out, char32_t cp);

// Extended grapheme clusters (UAX #29, Unicode 10 rules), as byte offsets where each
// cluster starts.
std::vector<size_t> GraphemeStarts(std::string_view s);

}  // namespace pond::tmpl::unicode
