// Values as Tera sees them: serde_json's number kinds, equality, truthiness, and the
// exact printing of values (Tera's ValueRender, Rust's float Display, serde_json).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tmpl/template.h"

namespace pond::tmpl {

// serde_json::Number: PosInt(u64), NegInt(i64) or Float(f64). nlohmann stores a
// non-negative integer either signed or unsigned; both are PosInt here.
struct Number {
  enum class Kind { kPos, kNeg, kFloat };
  Kind kind = Kind::kPos;
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;

  static Number FromI64(int64_t v);
  static Number FromU64(uint64_t v);
  static std::optional<Number> FromF64(double v);   // nullopt for NaN and infinities
  static std::optional<Number> Of(const Value& v);  // nullopt unless v is a number

  bool IsI64() const { return kind == Kind::kNeg || (kind == Kind::kPos && u <= INT64_MAX); }
  bool IsU64() const { return kind == Kind::kPos; }
  bool IsF64() const { return kind == Kind::kFloat; }
  int64_t AsI64() const { return kind == Kind::kNeg ? i : static_cast<int64_t>(u); }
  double AsF64() const;
  Value ToValue() const;
};

// Value::as_i64 / as_u64 of serde_json (nullopt for floats or out of range).
std::optional<int64_t> AsI64(const Value& v);
std::optional<uint64_t> AsU64(const Value& v);
std::optional<double> AsF64(const Value& v);  // any number

bool Equal(const Value& a, const Value& b);  // serde_json's PartialEq (1 != 1.0)
bool IsTruthy(const Value& v);               // Tera's ValueTruthy

// Appends `v` as Tera prints it ({{ v }}): see the table in docs/templates.md, "Printing values".
void RenderValue(const Value& v, std::string& out);
std::string RenderToString(const Value& v);

std::string FormatFloat(double d);            // Rust's `{}` for f64: shortest, never an exponent
std::string FormatFloatJson(double d);        // serde_json/ryu: `1.0`, `1e20`
std::string NumberToString(const Number& n);  // serde_json Number's Display

// serde_json::to_string / to_string_pretty (keys sorted, as nlohmann stores them).
std::string ToJson(const Value& v, bool pretty = false);

// Value borrowed from the context or AST, or owned (a filter's result). Copies share
// ownership; nothing is deep-copied.
class Val {
 public:
  Val() = default;
  static Val Borrow(const Value& v) {
    Val r;
    r.ptr_ = &v;
    return r;
  }
  static Val Own(Value v) {
    Val r;
    r.owner_ = std::make_shared<const Value>(std::move(v));
    r.ptr_ = r.owner_.get();
    return r;
  }
  // A part of this value, kept alive by the same owner.
  Val Sub(const Value& part) const {
    Val r;
    r.owner_ = owner_;
    r.ptr_ = &part;
    return r;
  }
  const Value& operator*() const { return *ptr_; }
  const Value* operator->() const { return ptr_; }
  const Value* get() const { return ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  const Value* ptr_ = nullptr;
  std::shared_ptr<const Value> owner_;
};

}  // namespace pond::tmpl
