// A SQL value as read back from DuckDB: what query results hold. Only the types
// DuckPond reads are modelled; others are cast in SQL before they reach us.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pond::engine {

// Microseconds since the Unix epoch, UTC (DuckDB TIMESTAMP).
struct Timestamp {
  int64_t micros = 0;
  bool operator==(const Timestamp&) const = default;
};

class Value;
using List = std::vector<Value>;
// MAP values keep DuckDB's entry order; keys are usually VARCHAR.
using MapEntries = std::vector<std::pair<Value, Value>>;
// STRUCT values: field name → value, in declaration order.
using StructFields = std::vector<std::pair<std::string, Value>>;

class Value {
 public:
  Value() = default;  // NULL
  Value(bool b) : v_(b) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Timestamp t) : v_(t) {}
  static Value FromList(List l) { Value v; v.v_ = Boxed<List>{std::make_shared<List>(std::move(l))}; return v; }
  static Value FromMap(MapEntries m) { Value v; v.v_ = Boxed<MapEntries>{std::make_shared<MapEntries>(std::move(m))}; return v; }
  static Value FromStruct(StructFields s) { Value v; v.v_ = Boxed<StructFields>{std::make_shared<StructFields>(std::move(s))}; return v; }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_timestamp() const { return std::holds_alternative<Timestamp>(v_); }
  bool is_list() const { return std::holds_alternative<Boxed<List>>(v_); }
  bool is_map() const { return std::holds_alternative<Boxed<MapEntries>>(v_); }
  bool is_struct() const { return std::holds_alternative<Boxed<StructFields>>(v_); }

  // Typed access; each throws pond::Error when the value holds another type.
  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;  // also accepts an integer
  const std::string& as_string() const;
  Timestamp as_timestamp() const;
  const List& as_list() const;
  const MapEntries& as_map() const;
  const StructFields& as_struct() const;

  // MAP or STRUCT lookup by string key; a NULL Value when absent.
  Value Get(const std::string& key) const;

  // Human-readable form for messages and tests.
  std::string ToString() const;

  bool operator==(const Value& o) const;

 private:
  template <class T>
  struct Boxed {
    std::shared_ptr<T> p;
    bool operator==(const Boxed& o) const { return p == o.p; }
  };
  std::variant<std::monostate, bool, int64_t, double, std::string, Timestamp, Boxed<List>,
               Boxed<MapEntries>, Boxed<StructFields>>
      v_;
  const char* TypeName() const;
};

}  // namespace pond::engine
