// Tera 1.17.1's built-in filters, tests and functions (src/builtins/), registered by
// Engine. Each throws BuiltinError with Tera's message when it fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tmpl/template.h"

namespace pond::tmpl {

// A test (`x is name(args)`): `value` is null when the variable is undefined.
using Tester = std::function<bool(const Value* value, const std::vector<Value>& args)>;

void RegisterStringFilters(std::unordered_map<std::string, Filter>& filters);
void RegisterArrayFilters(std::unordered_map<std::string, Filter>& filters);
void RegisterCommonFilters(std::unordered_map<std::string, Filter>& filters);
void RegisterTesters(std::unordered_map<std::string, Tester>& testers);
// `limits` must outlive the functions (range() honours max_range_length).
void RegisterFunctions(std::unordered_map<std::string, Function>& functions, const Limits* limits);

// The `date` filter (date.cc).
Value DateFilter(const Value& value, const Kwargs& args);

// The limits of the render in progress on this thread, for builtins whose output can
// outgrow their input (replace, join): they refuse to build more than max_value_bytes.
class LimitsScope {
 public:
  explicit LimitsScope(const Limits* limits);
  ~LimitsScope();

 private:
  const Limits* saved_;
};
void CheckBuildSize(uint64_t bytes);

// utils::escape_html: & < > " ' / as entities.
std::string EscapeHtml(std::string_view s);

// Helpers shared by the filters (builtins_util.cc): serde_json::from_value::<T> checks
// with try_get_value!'s messages; `arg` is "value" for the filtered value itself.
const std::string& ArgString(const char* filter, const char* arg, const Value& v);
const Value::array_t& ArgArray(const char* filter, const char* arg, const Value& v);
uint64_t ArgUsize(const char* filter, const char* arg, const Value& v);
int64_t ArgI64(const char* filter, const char* arg, const Value& v);
int64_t ArgIntIn(const char* filter, const char* arg, const Value& v, int64_t lo, int64_t hi,
                 const char* type);
double ArgF64(const char* filter, const char* arg, const Value& v);
bool ArgBool(const char* filter, const char* arg, const Value& v);
const Value* FindArg(const Kwargs& args, const char* name);
// serde_json::to_value(f64): non-finite numbers become null.
Value FloatValue(double d);
// Rust's str::parse::<f64> (no hex, no leading/trailing space; inf/nan allowed).
std::optional<double> ParseRustF64(std::string_view s);

}  // namespace pond::tmpl
