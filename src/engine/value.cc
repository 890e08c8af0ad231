#include "engine/value.h"

#include <fmt/format.h>

#include "base/error.h"

namespace pond::engine {

const char* Value::TypeName() const {
  static const char* names[] = {"NULL", "BOOLEAN", "BIGINT", "DOUBLE", "VARCHAR",
                                "TIMESTAMP", "LIST", "MAP", "STRUCT"};
  return names[v_.index()];
}

#define POND_VALUE_AS(ret, method, type, wanted)                                        \
  ret Value::method() const {                                                          \
    if (auto* p = std::get_if<type>(&v_)) return *p;                                   \
    throw Error(fmt::format("expected a {} value but found {}", wanted, TypeName()));  \
  }
POND_VALUE_AS(bool, as_bool, bool, "BOOLEAN")
POND_VALUE_AS(int64_t, as_int, int64_t, "BIGINT")
POND_VALUE_AS(const std::string&, as_string, std::string, "VARCHAR")
POND_VALUE_AS(Timestamp, as_timestamp, Timestamp, "TIMESTAMP")
#undef POND_VALUE_AS

double Value::as_double() const {
  if (auto* p = std::get_if<double>(&v_)) return *p;
  if (auto* p = std::get_if<int64_t>(&v_)) return static_cast<double>(*p);
  throw Error(fmt::format("expected a DOUBLE value but found {}", TypeName()));
}

#define POND_VALUE_AS_BOXED(ret, method, type, wanted)                                 \
  const ret& Value::method() const {                                                   \
    if (auto* p = std::get_if<Boxed<type>>(&v_)) return *p->p;                         \
    throw Error(fmt::format("expected a {} value but found {}", wanted, TypeName()));  \
  }
POND_VALUE_AS_BOXED(List, as_list, List, "LIST")
POND_VALUE_AS_BOXED(MapEntries, as_map, MapEntries, "MAP")
POND_VALUE_AS_BOXED(StructFields, as_struct, StructFields, "STRUCT")
#undef POND_VALUE_AS_BOXED

Value Value::Get(const std::string& key) const {
  if (is_map()) {
    for (const auto& [k, v] : as_map())
      if (k.is_string() && k.as_string() == key) return v;
    return Value();
  }
  if (is_struct()) {
    for (const auto& [k, v] : as_struct())
      if (k == key) return v;
    return Value();
  }
  throw Error(fmt::format("expected a MAP or STRUCT value but found {}", TypeName()));
}

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_int()) return std::to_string(as_int());
  if (is_double()) return fmt::format("{}", as_double());
  if (is_string()) return as_string();
  if (is_timestamp()) return fmt::format("timestamp({})", as_timestamp().micros);
  std::string out;
  if (is_list()) {
    out = "[";
    for (const auto& v : as_list()) out += (out.size() > 1 ? ", " : "") + v.ToString();
    return out + "]";
  }
  out = "{";
  if (is_map()) {
    for (const auto& [k, v] : as_map())
      out += (out.size() > 1 ? ", " : "") + k.ToString() + "=" + v.ToString();
  } else {
    for (const auto& [k, v] : as_struct())
      out += (out.size() > 1 ? ", " : "") + k + ": " + v.ToString();
  }
  return out + "}";
}

bool Value::operator==(const Value& o) const {
  if (v_.index() != o.v_.index()) return false;
  if (is_list()) return as_list() == o.as_list();
  if (is_map()) return as_map() == o.as_map();
  if (is_struct()) return as_struct() == o.as_struct();
  return v_ == o.v_;
}

}  // namespace pond::engine
