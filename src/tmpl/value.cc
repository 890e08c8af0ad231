#include "tmpl/value.h"

#include <charconv>
#include <cmath>

namespace pond::tmpl {

Number Number::FromI64(int64_t v) {
  Number n;
  if (v >= 0) {
    n.kind = Kind::kPos;
    n.u = static_cast<uint64_t>(v);
  } else {
    n.kind = Kind::kNeg;
    n.i = v;
  }
  return n;
}

Number Number::FromU64(uint64_t v) {
  Number n;
  n.kind = Kind::kPos;
  n.u = v;
  return n;
}

std::optional<Number> Number::FromF64(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  Number n;
  n.kind = Kind::kFloat;
  n.f = v;
  return n;
}

std::optional<Number> Number::Of(const Value& v) {
  switch (v.type()) {
    case Value::value_t::number_unsigned:
      return FromU64(v.get<uint64_t>());
    case Value::value_t::number_integer:
      return FromI64(v.get<int64_t>());
    case Value::value_t::number_float:
      return FromF64(v.get<double>());
    default:
      return std::nullopt;
  }
}

double Number::AsF64() const {
  switch (kind) {
    case Kind::kPos:
      return static_cast<double>(u);
    case Kind::kNeg:
      return static_cast<double>(i);
    case Kind::kFloat:
      return f;
  }
  return 0;
}

Value Number::ToValue() const {
  switch (kind) {
    case Kind::kPos:
      return Value(u);
    case Kind::kNeg:
      return Value(i);
    case Kind::kFloat:
      return Value(f);
  }
  return Value();
}

std::optional<int64_t> AsI64(const Value& v) {
  auto n = Number::Of(v);
  if (!n || !n->IsI64()) return std::nullopt;
  return n->AsI64();
}

std::optional<uint64_t> AsU64(const Value& v) {
  auto n = Number::Of(v);
  if (!n || !n->IsU64()) return std::nullopt;
  return n->u;
}

std::optional<double> AsF64(const Value& v) {
  if (!v.is_number()) return std::nullopt;
  if (v.is_number_float()) return v.get<double>();
  if (v.is_number_unsigned()) return static_cast<double>(v.get<uint64_t>());
  return static_cast<double>(v.get<int64_t>());
}

bool Equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    auto x = Number::Of(a);
    auto y = Number::Of(b);
    if (!x || !y || x->kind != y->kind) return false;
    switch (x->kind) {
      case Number::Kind::kPos:
        return x->u == y->u;
      case Number::Kind::kNeg:
        return x->i == y->i;
      case Number::Kind::kFloat:
        return x->f == y->f;
    }
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::value_t::array: {
      const auto& x = a.get_ref<const Value::array_t&>();
      const auto& y = b.get_ref<const Value::array_t&>();
      if (x.size() != y.size()) return false;
      for (size_t k = 0; k < x.size(); ++k) {
        if (!Equal(x[k], y[k])) return false;
      }
      return true;
    }
    case Value::value_t::object: {
      const auto& x = a.get_ref<const Value::object_t&>();
      const auto& y = b.get_ref<const Value::object_t&>();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !Equal(i->second, j->second)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

bool IsTruthy(const Value& v) {
  switch (v.type()) {
    case Value::value_t::number_unsigned:
      return v.get<uint64_t>() != 0;
    case Value::value_t::number_integer:
      return v.get<int64_t>() != 0;
    case Value::value_t::number_float: {
      double f = v.get<double>();
      return f != 0.0 && !std::isnan(f);
    }
    case Value::value_t::boolean:
      return v.get<bool>();
    case Value::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case Value::value_t::array:
      return !v.empty();
    case Value::value_t::object:
      return !v.empty();
    default:
      return false;
  }
}

namespace {

// The shortest round-trip digits of |d| and the decimal exponent: |d| = 0.DIGITS * 10^point.
struct Decimal {
  std::string digits;
  int point = 0;
};

Decimal ShortestDecimal(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view s(buf, res.ptr - buf);
  size_t e = s.find('e');
  Decimal out;
  for (char c : s.substr(0, e)) {
    if (c != '.') out.digits += c;
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp);
  out.point = exp + 1;
  return out;
}

}  // namespace

std::string FormatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  std::string out = std::signbit(d) ? "-" : "";
  if (d == 0) return out + "0";
  Decimal dec = ShortestDecimal(d);
  int n = static_cast<int>(dec.digits.size());
  if (dec.point <= 0) {
    out += "0.";
    out.append(-dec.point, '0');
    out += dec.digits;
  } else if (dec.point >= n) {
    out += dec.digits;
    out.append(dec.point - n, '0');
  } else {
    out += dec.digits.substr(0, dec.point);
    out += '.';
    out += dec.digits.substr(dec.point);
  }
  return out;
}

std::string FormatFloatJson(double d) {
  if (!std::isfinite(d)) return "null";
  std::string out = std::signbit(d) ? "-" : "";
  if (d == 0) return out + "0.0";
  Decimal dec = ShortestDecimal(d);
  int length = static_cast<int>(dec.digits.size());
  int kk = dec.point;
  int k = kk - length;
  if (0 <= k && kk <= 16) {
    out += dec.digits;
    out.append(kk - length, '0');
    out += ".0";
  } else if (0 < kk && kk <= 16) {
    out += dec.digits.substr(0, kk) + "." + dec.digits.substr(kk);
  } else if (-5 < kk && kk <= 0) {
    out += "0.";
    out.append(-kk, '0');
    out += dec.digits;
  } else {
    out += dec.digits.substr(0, 1);
    if (length > 1) out += "." + dec.digits.substr(1);
    out += "e" + std::to_string(kk - 1);
  }
  return out;
}

std::string NumberToString(const Number& n) {
  switch (n.kind) {
    case Number::Kind::kPos:
      return std::to_string(n.u);
    case Number::Kind::kNeg:
      return std::to_string(n.i);
    case Number::Kind::kFloat:
      return FormatFloatJson(n.f);
  }
  return "";
}

void RenderValue(const Value& v, std::string& out) {
  switch (v.type()) {
    case Value::value_t::string:
      out += v.get_ref<const std::string&>();
      break;
    case Value::value_t::number_unsigned:
      out += std::to_string(v.get<uint64_t>());
      break;
    case Value::value_t::number_integer:
      out += std::to_string(v.get<int64_t>());
      break;
    case Value::value_t::number_float:
      out += FormatFloat(v.get<double>());
      break;
    case Value::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case Value::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        RenderValue(item, out);
      }
      out += ']';
      break;
    }
    case Value::value_t::object:
      out += "[object]";
      break;
    default:
      break;
  }
}

std::string RenderToString(const Value& v) {
  std::string out;
  RenderValue(v, out);
  return out;
}

namespace {

void JsonString(const std::string& s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void Json(const Value& v, bool pretty, int depth, std::string& out) {
  auto newline = [&](int d) {
    out += '\n';
    out.append(2 * d, ' ');
  };
  switch (v.type()) {
    case Value::value_t::null:
    case Value::value_t::discarded:
      out += "null";
      break;
    case Value::value_t::string:
      JsonString(v.get_ref<const std::string&>(), out);
      break;
    case Value::value_t::number_float:
      out += FormatFloatJson(v.get<double>());
      break;
    case Value::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        if (pretty) newline(depth + 1);
        first = false;
        Json(item, pretty, depth + 1, out);
      }
      if (pretty && !first) newline(depth);
      out += ']';
      break;
    }
    case Value::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_ref<const Value::object_t&>()) {
        if (!first) out += ',';
        if (pretty) newline(depth + 1);
        first = false;
        JsonString(key, out);
        out += pretty ? ": " : ":";
        Json(item, pretty, depth + 1, out);
      }
      if (pretty && !first) newline(depth);
      out += '}';
      break;
    }
    default:
      RenderValue(v, out);
  }
}

}  // namespace

std::string ToJson(const Value& v, bool pretty) {
  std::string out;
  Json(v, pretty, 0, out);
  return out;
}

}  // namespace pond::tmpl
