// DuckPond's additions to the language (docs/templates.md, "DuckPond helpers").
#include <cstdlib>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/template.h"
#include "tmpl/value.h"

namespace pond::tmpl {

void AddPondHelpers(Engine& e) {
  // group(by, in): items grouped by the value of key `by` (strings as is, other values
  // as compact JSON), in their original order; keys iterate sorted.
  e.AddFunction("group", [](const Kwargs& args) -> Value {
    const Value* by = FindArg(args, "by");
    if (!by || !by->is_string()) throw BuiltinError("group: `by` must be a string");
    const Value* in = FindArg(args, "in");
    if (!in || !in->is_array()) throw BuiltinError("group: `in` must be an array");
    const std::string& key = by->get_ref<const std::string&>();
    Value groups = Value::object();
    for (const Value& item : *in) {
      auto it = item.is_object() ? item.find(key) : item.end();
      if (!item.is_object() || it == item.end()) {
        throw BuiltinError("group: item has no key `" + key + "`");
      }
      std::string name = it->is_string() ? it->get<std::string>() : ToJson(*it);
      Value& bucket = groups[name];
      if (bucket.is_null()) bucket = Value::array();
      bucket.push_back(item);
    }
    return groups;
  });
  // to_json: compact JSON with sorted keys; null prints as `null`.
  e.AddFilter("to_json", [](const Value& v, const Kwargs&) -> Value { return ToJson(v); });
}

void AddEnvFunction(Engine& e) {
  e.AddFunction("env", [](const Kwargs& args) -> Value {
    const Value* name = FindArg(args, "name");
    if (!name || !name->is_string()) throw BuiltinError("env: `name` must be a string");
    if (const char* v = std::getenv(name->get_ref<const std::string&>().c_str())) {
      return std::string(v);
    }
    if (const Value* def = FindArg(args, "default")) return *def;
    throw BuiltinError("Environment variable `" + name->get<std::string>() + "` not found");
  });
}

}  // namespace pond::tmpl
