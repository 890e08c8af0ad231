// Tests (`x is name(args)`), from tera builtins/testers.rs. `matching` uses regex.h,
// the Rust regex crate's syntax (see there for what is supported).
#include <cmath>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/regex.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

using Args = std::vector<Value>;

void ArgsAllowed(const char* name, size_t max, const Args& args) {
  if (max == 0 && !args.empty()) {
    throw BuiltinError(std::string("Tester `") + name +
                       "` was called with some args but this test doesn't take args");
  }
  if (args.size() > max) {
    throw BuiltinError(std::string("Tester `") + name + "` was called with " +
                       std::to_string(args.size()) + " args, the max number is " +
                       std::to_string(max));
  }
}

void Defined(const char* name, const Value* v) {
  if (!v)
    throw BuiltinError(std::string("Tester `") + name + "` was called on an undefined variable");
}

const std::string& StringOf(const char* name, const char* part, const Value* v) {
  if (!v || !v->is_string()) {
    throw BuiltinError(std::string("Tester `") + name + "` was called " + part +
                       " that isn't a string");
  }
  return v->get_ref<const std::string&>();
}

const Value* FirstArg(const Args& args) { return args.empty() ? nullptr : &args[0]; }

bool Odd(const Value* v, const Args& args) {
  ArgsAllowed("odd", 0, args);
  Defined("odd", v);
  auto n = AsF64(*v);
  if (!n) throw BuiltinError("Tester `odd` was called on a variable that isn't a number");
  return std::fmod(*n, 2.0) != 0.0;
}

bool Matching(const Value* v, const Args& args) {
  ArgsAllowed("matching", 1, args);
  Defined("matching", v);
  const std::string& value = StringOf("matching", "on a variable", v);
  const std::string& pattern = StringOf("matching", "with a parameter", FirstArg(args));
  try {
    return Regex(pattern).IsMatch(value);
  } catch (const BuiltinError& e) {
    throw BuiltinError("Tester `matching`: Invalid regular expression: " + std::string(e.what()));
  }
}

}  // namespace

void RegisterTesters(std::unordered_map<std::string, Tester>& t) {
  t["defined"] = [](const Value* v, const Args& args) {
    ArgsAllowed("defined", 0, args);
    return v != nullptr;
  };
  t["undefined"] = [](const Value* v, const Args& args) {
    ArgsAllowed("undefined", 0, args);
    return v == nullptr;
  };
  t["string"] = [](const Value* v, const Args& args) {
    ArgsAllowed("string", 0, args);
    Defined("string", v);
    return v->is_string();
  };
  t["number"] = [](const Value* v, const Args& args) {
    ArgsAllowed("number", 0, args);
    Defined("number", v);
    return v->is_number();
  };
  t["odd"] = Odd;
  t["even"] = [](const Value* v, const Args& args) {
    ArgsAllowed("even", 0, args);
    Defined("even", v);
    return !Odd(v, args);
  };
  t["divisibleby"] = [](const Value* v, const Args& args) {
    ArgsAllowed("divisibleby", 1, args);
    Defined("divisibleby", v);
    auto n = AsF64(*v);
    if (!n) throw BuiltinError("Tester `divisibleby` was called on a variable that isn't a number");
    auto p = args.empty() ? std::nullopt : AsF64(args[0]);
    if (!p) {
      throw BuiltinError("Tester `divisibleby` was called with a parameter that isn't a number");
    }
    return std::fmod(*n, *p) == 0.0;
  };
  t["iterable"] = [](const Value* v, const Args& args) {
    ArgsAllowed("iterable", 0, args);
    Defined("iterable", v);
    return v->is_array() || v->is_object();
  };
  t["object"] = [](const Value* v, const Args& args) {
    ArgsAllowed("object", 0, args);
    Defined("object", v);
    return v->is_object();
  };
  t["starting_with"] = [](const Value* v, const Args& args) {
    ArgsAllowed("starting_with", 1, args);
    Defined("starting_with", v);
    const std::string& s = StringOf("starting_with", "on a variable", v);
    return s.starts_with(StringOf("starting_with", "with a parameter", FirstArg(args)));
  };
  t["ending_with"] = [](const Value* v, const Args& args) {
    ArgsAllowed("ending_with", 1, args);
    Defined("ending_with", v);
    const std::string& s = StringOf("ending_with", "on a variable", v);
    return s.ends_with(StringOf("ending_with", "with a parameter", FirstArg(args)));
  };
  t["containing"] = [](const Value* v, const Args& args) {
    ArgsAllowed("containing", 1, args);
    Defined("containing", v);
    if (v->is_string()) {
      const std::string& needle = StringOf("containing", "with a parameter", FirstArg(args));
      return v->get_ref<const std::string&>().find(needle) != std::string::npos;
    }
    if (v->is_array()) {
      if (args.empty()) throw BuiltinError("Tester `containing` needs a parameter");
      for (const Value& item : *v) {
        if (Equal(item, args[0])) return true;
      }
      return false;
    }
    if (v->is_object()) {
      return v->contains(StringOf("containing", "with a parameter", FirstArg(args)));
    }
    throw BuiltinError("Tester `containing` can only be used on string, array or map");
  };
  t["matching"] = Matching;
}

}  // namespace pond::tmpl
