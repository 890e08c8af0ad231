// `${env:NAME}`, `${env:NAME:-default}` and `$$` in config text, the original's
// environment references (docs/apply.md, "Environment references"). A plain text
// substitution before any parsing, done at every use of a config so that only the
// unexpanded text is ever stored and secrets never reach the pond.
#pragma once

#include <string>
#include <string_view>

namespace pond {

// `${env:NAME}` → NAME's value; `${env:NAME:-fallback}` → the value if set (even
// empty), else `fallback` (the text up to the first `}`); `$$` → `$`. Anything else
// stays as written: `${DATE}`, `$0`, `$1.$2`, a `${` without `}`.
// Strict: an unset NAME without a default throws
// `Environment variable 'NAME' not set and no default provided (<where>)`.
// Lenient: such a reference stays verbatim.
std::string ExpandEnvRefs(std::string_view text, const std::string& where, bool strict = true);

}  // namespace pond
