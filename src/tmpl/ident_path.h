// Tera's string rewriting of variable paths into lookup keys and JSON pointers.
#pragma once

#include <string>
#include <string_view>

namespace pond::tmpl {

// The last step of evaluate_sub_variables: `a["b"][0]` -> `a."b".0` (and `/` -> `~1`).
std::string RewriteBrackets(std::string key);
// context.rs get_json_pointer: `a."b.c".d` -> `/a/b.c/d`.
std::string GetJsonPointer(std::string_view key);

}  // namespace pond::tmpl
