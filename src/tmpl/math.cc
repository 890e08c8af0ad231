#include "tmpl/math.h"

#include <cmath>
#include <limits>

#include "tmpl/errors.h"

namespace pond::tmpl {

namespace {

std::string Str(const Number& n) { return NumberToString(n); }

// Rust's `f64 as i64`: saturating, NaN -> 0.
int64_t SaturatingI64(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Tera unwraps Number::from_f64 for + and -, panicking on infinity.
Number Finite(double d) {
  auto n = Number::FromF64(d);
  if (!n) throw BuiltinError("the result of the operation is not a finite number");
  return *n;
}

}  // namespace

std::optional<Number> ApplyMath(MathOp op, const Number& l, const Number& r) {
  bool ints = l.IsI64() && r.IsI64();
  bool uints = !ints && l.IsU64() && r.IsU64();
  switch (op) {
    case MathOp::kMul:
      if (ints) {
        int64_t out;
        if (__builtin_mul_overflow(l.AsI64(), r.AsI64(), &out)) {
          throw BuiltinError(Str(l) + " x " + Str(r) + " results in an out of bounds i64");
        }
        return Number::FromI64(out);
      }
      if (uints) {
        uint64_t out;
        if (__builtin_mul_overflow(l.u, r.u, &out)) {
          throw BuiltinError(Str(l) + " x " + Str(r) + " results in an out of bounds u64");
        }
        return Number::FromU64(out);
      }
      return Number::FromF64(l.AsF64() * r.AsF64());
    case MathOp::kDiv: {
      double res = l.AsF64() / r.AsF64();
      if (std::isnan(res)) return std::nullopt;
      if (std::round(res) == res && std::isfinite(res)) return Number::FromI64(SaturatingI64(res));
      return Number::FromF64(res);
    }
    case MathOp::kAdd:
    case MathOp::kSub: {
      bool add = op == MathOp::kAdd;
      if (ints) {
        int64_t out;
        bool overflow = add ? __builtin_add_overflow(l.AsI64(), r.AsI64(), &out)
                            : __builtin_sub_overflow(l.AsI64(), r.AsI64(), &out);
        if (overflow) {
          throw BuiltinError(Str(l) + (add ? " + " : " - ") + Str(r) +
                             " results in an out of bounds i64");
        }
        return Number::FromI64(out);
      }
      if (uints) {
        uint64_t out;
        bool overflow =
            add ? __builtin_add_overflow(l.u, r.u, &out) : __builtin_sub_overflow(l.u, r.u, &out);
        if (overflow) {
          throw BuiltinError(Str(l) + (add ? " + " : " - ") + Str(r) +
                             " results in an out of bounds u64");
        }
        return Number::FromU64(out);
      }
      return Finite(add ? l.AsF64() + r.AsF64() : l.AsF64() - r.AsF64());
    }
    case MathOp::kMod:
      if (ints) {
        if (r.AsI64() == 0) throw BuiltinError("Tried to do a modulo by zero");
        if (r.AsI64() == -1) {
          // Rust panics on i64::MIN % -1 (overflow); every other x % -1 is 0.
          if (l.AsI64() == std::numeric_limits<int64_t>::min()) {
            throw BuiltinError("attempt to calculate the remainder with overflow");
          }
          return Number::FromI64(0);
        }
        return Number::FromI64(l.AsI64() % r.AsI64());
      }
      if (uints) {
        if (r.u == 0) throw BuiltinError("Tried to do a modulo by zero");
        return Number::FromU64(l.u % r.u);
      }
      return Number::FromF64(std::fmod(l.AsF64(), r.AsF64()));
  }
  return std::nullopt;
}

}  // namespace pond::tmpl
