// Global functions (tera builtins/functions.rs).
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

uint64_t RangeArg(const Kwargs& args, const char* name, const char* label, uint64_t fallback) {
  const Value* v = FindArg(args, name);
  if (!v) return fallback;
  auto n = AsU64(*v);
  if (!n) {
    throw BuiltinError(std::string("Function `range` received ") + name + "=" + ToJson(*v) +
                       " but `" + label + "` can only be a number");
  }
  return *n;
}

bool BoolArg(const Kwargs& args, const char* fn, const char* name) {
  const Value* v = FindArg(args, name);
  if (!v) return false;
  if (!v->is_boolean()) {
    throw BuiltinError(std::string("Function `") + fn + "` received " + name + "=" + ToJson(*v) +
                       " but `" + name + "` can only be a boolean");
  }
  return v->get<bool>();
}

// chrono's to_rfc3339: fractional seconds as 0, 3, 6 or 9 digits, offset +HH:MM.
std::string Rfc3339(std::chrono::system_clock::time_point now, long offset_seconds) {
  auto ns_total =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  int64_t secs = ns_total / 1'000'000'000 + offset_seconds;
  int64_t nanos = ns_total % 1'000'000'000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (nanos != 0) {
    char frac[16];
    if (nanos % 1'000'000 == 0) {
      std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(nanos / 1'000'000));
    } else if (nanos % 1000 == 0) {
      std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(nanos / 1000));
    } else {
      std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    }
    out += frac;
  }
  long off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", offset_seconds < 0 ? '-' : '+', off / 3600,
                off / 60 % 60);
  return out + buf;
}

Value Now(const Kwargs& args) {
  bool utc = BoolArg(args, "now", "utc");
  bool timestamp = BoolArg(args, "now", "timestamp");
  auto now = std::chrono::system_clock::now();
  if (timestamp) {
    return static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  }
  long offset = 0;
  if (!utc) {
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&t, &local);
    offset = local.tm_gmtoff;
  }
  return Rfc3339(now, offset);
}

Value Throw(const Kwargs& args) {
  const Value* msg = FindArg(args, "message");
  if (!msg) throw BuiltinError("Function `throw` was called without a `message` argument");
  if (!msg->is_string()) {
    throw BuiltinError("Function `throw` received message=" + ToJson(*msg) +
                       " but `message` can only be a string");
  }
  throw BuiltinError(msg->get<std::string>());
}

Value GetRandom(const Kwargs& args) {
  auto arg = [&](const char* name, std::optional<int64_t> fallback) {
    const Value* v = FindArg(args, name);
    if (!v) {
      if (!fallback) throw BuiltinError("Function `get_random` didn't receive an `end` argument");
      return *fallback;
    }
    auto n = AsI64(*v);
    if (!n) {
      throw BuiltinError(std::string("Function `get_random` received ") + name + "=" + ToJson(*v) +
                         " but `" + name + "` can only be a number");
    }
    return *n;
  };
  int64_t start = arg("start", 0);
  int64_t end = arg("end", std::nullopt);
  if (start >= end) throw BuiltinError("cannot sample empty range");
  static std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(start, end - 1)(rng);
}

Value GetEnv(const Kwargs& args) {
  const Value* name = FindArg(args, "name");
  if (!name) throw BuiltinError("Function `get_env` didn't receive a `name` argument");
  if (!name->is_string()) {
    throw BuiltinError("Function `get_env` received name=" + ToJson(*name) +
                       " but `name` can only be a string");
  }
  const std::string& n = name->get_ref<const std::string&>();
  if (const char* v = std::getenv(n.c_str())) return std::string(v);
  if (const Value* def = FindArg(args, "default")) return *def;
  throw BuiltinError("Environment variable `" + n + "` not found");
}

}  // namespace

void RegisterFunctions(std::unordered_map<std::string, Function>& f, const Limits* limits) {
  f["range"] = [limits](const Kwargs& args) -> Value {
    uint64_t start = RangeArg(args, "start", "start", 0);
    uint64_t step = RangeArg(args, "step_by", "step", 1);
    const Value* end_arg = FindArg(args, "end");
    if (!end_arg) throw BuiltinError("Function `range` was called without a `end` argument");
    uint64_t end = RangeArg(args, "end", "end", 0);
    if (start > end) {
      throw BuiltinError(
          "Function `range` was called with a `start` argument greater than the `end` one");
    }
    // Tera loops forever on step_by=0; it is refused here.
    if (step == 0 && start < end) throw BuiltinError("Function `range` needs a `step_by` above 0");
    uint64_t count = start < end ? (end - start - 1) / step + 1 : 0;
    if (count > limits->max_range_length) {
      throw BuiltinError("Function `range` would build " + std::to_string(count) +
                         " numbers (limit " + std::to_string(limits->max_range_length) + ")");
    }
    Value out = Value::array();
    out.get_ref<Value::array_t&>().reserve(count);
    for (uint64_t i = 0; i < count; ++i) out.push_back(start + i * step);
    return out;
  };
  f["now"] = Now;
  f["throw"] = Throw;
  f["get_random"] = GetRandom;
  f["get_env"] = GetEnv;
}

}  // namespace pond::tmpl
