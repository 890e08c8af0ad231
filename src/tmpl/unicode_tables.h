// Unicode property tables (generated into unicode_tables.cc by gen_unicode_tables.py).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pond::tmpl::unicode {

// Code points start..end stepping by `stride` map to cp + delta.
struct CaseRun {
  char32_t start, end;
  int32_t stride, delta;
};
// A code point whose case mapping is several code points (UTF-8 text).
struct CaseMulti {
  char32_t cp;
  const char* utf8;
};
struct Range {
  char32_t start, end;
};
// Grapheme_Cluster_Break values of Unicode 10 (the version unic-segment 0.9 uses).
enum class Gcb : uint8_t {
  kOther,
  kCR,
  kLF,
  kControl,
  kExtend,
  kZWJ,
  kRegionalIndicator,
  kPrepend,
  kSpacingMark,
  kL,
  kV,
  kT,
  kLV,
  kLVT,
  kEBase,
  kEModifier,
  kGlueAfterZwj,
  kEBaseGAZ,
};
struct GcbRange {
  char32_t start, end;
  Gcb prop;
};

extern const CaseRun kUpperRuns[];
extern const CaseRun kLowerRuns[];
extern const CaseMulti kUpperMulti[];
extern const CaseMulti kLowerMulti[];
extern const GcbRange kGcbRanges[];
extern const size_t kUpperRunsSize, kLowerRunsSize, kUpperMultiSize, kLowerMultiSize,
    kGcbRangesSize;

}  // namespace pond::tmpl::unicode
