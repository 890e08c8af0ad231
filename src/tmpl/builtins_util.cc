#include <cmath>
#include <cstdlib>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

[[noreturn]] void WrongType(const char* filter, const char* arg, const Value& v, const char* type) {
  if (std::string_view(arg) == "value") {
    throw BuiltinError(std::string("Filter `") + filter +
                       "` was called on an incorrect value: got `" + ToJson(v) +
                       "` but expected a " + type);
  }
  throw BuiltinError(std::string("Filter `") + filter + "` received an incorrect type for arg `" +
                     arg + "`: got `" + ToJson(v) + "` but expected a " + type);
}

thread_local const Limits* current_limits = nullptr;

}  // namespace

LimitsScope::LimitsScope(const Limits* limits) : saved_(current_limits) { current_limits = limits; }
LimitsScope::~LimitsScope() { current_limits = saved_; }

void CheckBuildSize(uint64_t bytes) {
  if (current_limits && bytes > current_limits->max_value_bytes) {
    throw BuiltinError("the result would be " + std::to_string(bytes) + " bytes (limit " +
                       std::to_string(current_limits->max_value_bytes) + ")");
  }
}

const std::string& ArgString(const char* filter, const char* arg, const Value& v) {
  if (!v.is_string()) WrongType(filter, arg, v, "String");
  return v.get_ref<const std::string&>();
}

const Value::array_t& ArgArray(const char* filter, const char* arg, const Value& v) {
  if (!v.is_array()) WrongType(filter, arg, v, "Vec < Value >");
  return v.get_ref<const Value::array_t&>();
}

uint64_t ArgUsize(const char* filter, const char* arg, const Value& v) {
  auto n = AsU64(v);
  if (!n) WrongType(filter, arg, v, "usize");
  return *n;
}

int64_t ArgI64(const char* filter, const char* arg, const Value& v) {
  auto n = AsI64(v);
  if (!n) WrongType(filter, arg, v, "i64");
  return *n;
}

int64_t ArgIntIn(const char* filter, const char* arg, const Value& v, int64_t lo, int64_t hi,
                 const char* type) {
  auto n = AsI64(v);
  if (!n || *n < lo || *n > hi) WrongType(filter, arg, v, type);
  return *n;
}

double ArgF64(const char* filter, const char* arg, const Value& v) {
  auto n = AsF64(v);
  if (!n) WrongType(filter, arg, v, "f64");
  return *n;
}

bool ArgBool(const char* filter, const char* arg, const Value& v) {
  if (!v.is_boolean()) WrongType(filter, arg, v, "bool");
  return v.get<bool>();
}

const Value* FindArg(const Kwargs& args, const char* name) {
  auto it = args.find(name);
  return it == args.end() ? nullptr : &it->second;
}

Value FloatValue(double d) { return std::isfinite(d) ? Value(d) : Value(); }

std::optional<double> ParseRustF64(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  std::string lower;
  for (char c : body) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool negative = !s.empty() && s[0] == '-';
  if (lower == "inf" || lower == "infinity") return negative ? -INFINITY : INFINITY;
  if (lower == "nan") return NAN;
  size_t i = 0, digits = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  std::string text(s);
  return std::strtod(text.c_str(), nullptr);
}

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      case '/':
        out += "&#x2F;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace pond::tmpl
