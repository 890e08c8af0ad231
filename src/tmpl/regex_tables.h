// Unicode data of the `matching` test's regex classes, in the Unicode version (14.0) of
// the regex crate Tera uses; generated into regex_tables.cc by gen_regex_tables.py.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tmpl/unicode_tables.h"

namespace pond::tmpl::regex_tables {

enum class SetKind : uint8_t {
  kGeneralCategory,
  kScript,
  kScriptExtensions,
  kBool,
  kGraphemeClusterBreak,
  kWordBreak,
  kSentenceBreak,
  kAge,   // in chronological order: an age is the union of itself and all before it
  kPerl,  // "Word", "Decimal", "Space": \w \d \s
};
// The code points of one property value: kPropertyRanges[first, first + count).
struct PropertySet {
  SetKind kind;
  const char* name;  // canonical name
  uint32_t first, count;
};
// A loosely matched name (UAX44-LM3: lowercase, no space, '_' or '-') and the
// canonical name it stands for. Each table is sorted by `loose`.
struct NameAlias {
  const char* loose;
  const char* canonical;
};
struct PropertyValues {
  const char* property;  // canonical property name
  const NameAlias* values;
  size_t count;
};
// A code point and the other members of its simple case folding orbit:
// kFoldTargets[first, first + count). Sorted by `cp`.
struct FoldEntry {
  char32_t cp;
  uint32_t first, count;
};

extern const unicode::Range kPropertyRanges[];
// \w: the ranges of the Perl "Word" set, for unicode::IsWordChar.
extern const unicode::Range* const kPerlWord;
extern const size_t kPerlWordSize;
extern const PropertySet kPropertySets[];
extern const NameAlias kPropertyNames[];
extern const PropertyValues kPropertyValues[];
extern const FoldEntry kFoldEntries[];
extern const char32_t kFoldTargets[];
extern const size_t kPropertyRangesSize, kPropertySetsSize, kPropertyNamesSize, kPropertyValuesSize,
    kFoldEntriesSize;

}  // namespace pond::tmpl::regex_tables
