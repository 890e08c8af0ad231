// Non-ASCII characters as Tera's `slugify` (slug + deunicode crates) turns them into
// slug text (lowercase letters, digits and '-'), generated into slug_table.cc from
// deunicode's data: every plane it covers, emoji and mathematical letters included.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pond::tmpl {

// Code points start..start+count-1 use the slug texts at kSlugIndex[3*first ...]:
// each is three base-90 digits (kSlugAlphabet) indexing kSlugStrings.
struct SlugRun {
  char32_t start;
  uint32_t count;
  uint32_t first;
};
extern const char kSlugAlphabet[];
extern const char* const kSlugStrings[];
extern const SlugRun kSlugRuns[];
extern const size_t kSlugRunsSize;
extern const char kSlugIndex[];

}  // namespace pond::tmpl
