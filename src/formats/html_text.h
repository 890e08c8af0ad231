// HTML text and attribute values as a browser reads them: character references
// (`&amp;`, `&#176;`, `&#xB0;`) decoded to UTF-8, and CR LF or a lone CR read as LF.
// Internal to the formats layer (html_scanner.cc).
//
// What is decoded is what libxml2 decoded for our exports: the 253 named references
// of HTML 4 (`&nbsp;`, `&deg;`, `&micro;`, `&mu;`…), case-sensitive and only with
// their `;`; numeric ones with or without `;`, a code point that is not a character
// (0, a surrogate, past U+10FFFF) becoming U+FFFD. Any other `&` is text as written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pond::formats {

// The most bytes a reference can hold back at the end of a block (see
// MayContinueAfter): longer ones are read as they are.
inline constexpr size_t kMaxHeldBackReference = 32;

// Whether `raw` holds anything to decode ('&' or CR); if not, it is its own text.
bool NeedsDecoding(std::string_view raw);

// Appends `raw`, decoded, to `out`.
void AppendDecoded(std::string_view raw, std::string& out);

// How many bytes at the end of `raw`, which more text may follow, can change meaning
// with that text (a reference cut short, `&de` then `g;`, or a CR then LF): the
// bytes to keep until the next block is read. 0 for none.
size_t MayContinueAfter(std::string_view raw);

}  // namespace pond::formats
