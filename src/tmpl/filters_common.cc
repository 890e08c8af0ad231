// Filters on any value, numbers and objects (tera builtins/filters/common.rs,
// number.rs, object.rs); `date` lives in date.cc.
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/unicode.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

Value Length(const Value& v, const Kwargs&) {
  if (v.is_array() || v.is_object()) return static_cast<uint64_t>(v.size());
  if (v.is_string())
    return static_cast<uint64_t>(unicode::CharCount(v.get_ref<const std::string&>()));
  throw BuiltinError(
      "Filter `length` was used on a value that isn't an array, an object, or a string.");
}

Value Reverse(const Value& v, const Kwargs&) {
  if (v.is_array()) {
    Value out = Value::array();
    for (auto it = v.rbegin(); it != v.rend(); ++it) out.push_back(*it);
    return out;
  }
  if (v.is_string()) {
    std::string_view s = v.get_ref<const std::string&>();
    std::vector<std::string_view> chars;
    for (size_t i = 0; i < s.size();) {
      size_t start = i;
      unicode::Next(s, i);
      chars.push_back(s.substr(start, i - start));
    }
    std::string out;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return out;
  }
  throw BuiltinError("Filter `reverse` received an incorrect type for arg `value`: got `" +
                     ToJson(v) + "` but expected Array|String");
}

Value JsonEncode(const Value& v, const Kwargs& args) {
  const Value* pretty = FindArg(args, "pretty");
  return ToJson(v, pretty && pretty->is_boolean() && pretty->get<bool>());
}

Value AsStr(const Value& v, const Kwargs&) { return RenderToString(v); }

Value Get(const Value& v, const Kwargs& args) {
  const Value* def = FindArg(args, "default");
  const Value* key_arg = FindArg(args, "key");
  if (!key_arg) throw BuiltinError("The `get` filter has to have an `key` argument");
  const std::string& key = ArgString("get", "key", *key_arg);
  if (!v.is_object()) throw BuiltinError("Filter `get` was used on a value that isn't an object");
  auto it = v.find(key);
  if (it != v.end()) return *it;
  if (def) return *def;
  throw BuiltinError("Filter `get` tried to get key `" + key + "` but it wasn't found");
}

Value Pluralize(const Value& v, const Kwargs& args) {
  double num = ArgF64("pluralize", "value", v);
  const Value* plural = FindArg(args, "plural");
  std::string p = plural ? ArgString("pluralize", "plural", *plural) : "s";
  const Value* singular = FindArg(args, "singular");
  std::string s = singular ? ArgString("pluralize", "singular", *singular) : "";
  return std::fabs(std::fabs(num) - 1.0) > DBL_EPSILON ? p : s;
}

// f64::powi as compiled by LLVM (compiler-rt's __powidf2): square-and-multiply.
double Powi(double a, int b) {
  bool recip = b < 0;
  double r = 1;
  for (;;) {
    if (b & 1) r *= a;
    b /= 2;
    if (b == 0) break;
    a *= a;
  }
  return recip ? 1 / r : r;
}

Value Round(const Value& v, const Kwargs& args) {
  double num = ArgF64("round", "value", v);
  const Value* m = FindArg(args, "method");
  std::string method = m ? ArgString("round", "method", *m) : "common";
  const Value* p = FindArg(args, "precision");
  int precision =
      p ? static_cast<int>(ArgIntIn("round", "precision", *p, INT32_MIN, INT32_MAX, "i32")) : 0;
  double multiplier = precision == 0 ? 1.0 : Powi(10.0, precision);
  if (method == "common") return FloatValue(std::round(multiplier * num) / multiplier);
  if (method == "ceil") return FloatValue(std::ceil(multiplier * num) / multiplier);
  if (method == "floor") return FloatValue(std::floor(multiplier * num) / multiplier);
  throw BuiltinError("Filter `round` received an incorrect value for arg `method`: got `\"" +
                     method + "\"`, only common, ceil and floor are allowed");
}

// humansize's CONVENTIONAL options: powers of 1024 named KB, MB, ...
Value Filesizeformat(const Value& v, const Kwargs&) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  double size = static_cast<double>(ArgUsize("filesizeformat", "value", v));
  int idx = 0;
  while (size >= 1024.0 && idx < 8) {
    size /= 1024.0;
    ++idx;
  }
  int places = size == std::trunc(size) ? 0 : 2;
  // Rust's {:.2}: exact decimal rounding, ties to even, as to_chars does.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, size, std::chars_format::fixed, places);
  return std::string(buf, res.ptr) + " " + kUnits[idx];
}

}  // namespace

void RegisterCommonFilters(std::unordered_map<std::string, Filter>& f) {
  f["length"] = Length;
  f["reverse"] = Reverse;
  f["date"] = DateFilter;
  f["json_encode"] = JsonEncode;
  f["as_str"] = AsStr;
  f["get"] = Get;
  f["pluralize"] = Pluralize;
  f["round"] = Round;
  f["filesizeformat"] = Filesizeformat;
}

}  // namespace pond::tmpl
