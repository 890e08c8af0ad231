// Array filters (tera builtins/filters/array.rs and filter_utils.rs).
#include <algorithm>
#include <cmath>
#include <set>

#include "tmpl/ast.h"
#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/ident_path.h"
#include "tmpl/unicode.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

// serde_json's Value::pointer with the pointer get_json_pointer(attribute) builds. sort
// and unique use the value itself for an empty attribute (`self_if_empty`).
const Value* Pointer(const Value& v, const std::string& attribute, bool self_if_empty = false) {
  if (attribute.empty() && self_if_empty) return &v;
  const Value* cur = &v;
  for (const std::string& token : PointerTokens(attribute)) {
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (token.empty() || token.size() > 19 || (token[0] == '0' && token.size() > 1) ||
          token.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      size_t idx = std::stoull(token);
      if (idx >= cur->size()) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::string OptionalAttribute(const char* filter, const Kwargs& args) {
  const Value* a = FindArg(args, "attribute");
  return a ? ArgString(filter, "attribute", *a) : std::string();
}

std::string RequiredAttribute(const char* filter, const Kwargs& args) {
  const Value* a = FindArg(args, "attribute");
  if (!a) {
    throw BuiltinError(std::string("The `") + filter +
                       "` filter has to have an `attribute` argument");
  }
  return ArgString(filter, "attribute", *a);
}

Value Nth(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("nth", "value", v);
  if (arr.empty()) return "";
  const Value* n = FindArg(args, "n");
  if (!n) throw BuiltinError("The `nth` filter has to have an `n` argument");
  uint64_t idx = ArgUsize("nth", "n", *n);
  return idx < arr.size() ? arr[idx] : Value("");
}

Value First(const Value& v, const Kwargs&) {
  const auto& arr = ArgArray("first", "value", v);
  return arr.empty() ? Value("") : arr.front();
}

Value Last(const Value& v, const Kwargs&) {
  const auto& arr = ArgArray("last", "value", v);
  return arr.empty() ? Value("") : arr.back();
}

Value Join(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("join", "value", v);
  const Value* sep_arg = FindArg(args, "sep");
  std::string sep = sep_arg ? ArgString("truncate", "sep", *sep_arg) : "";
  if (!arr.empty()) CheckBuildSize((arr.size() - 1) * static_cast<uint64_t>(sep.size()));
  std::string out;
  for (size_t i = 0; i < arr.size(); ++i) {
    if (i > 0) out += sep;
    RenderValue(arr[i], out);
  }
  return out;
}

// The sort key of one element, by the type of the first element's key.
struct SortKey {
  double number = 0;
  bool boolean = false;
  const std::string* text = nullptr;
  size_t length = 0;
};

Value Sort(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("sort", "value", v);
  if (arr.empty()) return v;
  std::string attribute = OptionalAttribute("sort", args);
  auto key_of = [&](const Value& item) -> const Value& {
    const Value* k = Pointer(item, attribute, true);
    if (!k) throw BuiltinError("attribute '" + attribute + "' does not reference a field");
    return *k;
  };
  const Value& first = key_of(arr[0]);
  if (first.is_null()) throw BuiltinError("Null is not a sortable value");
  if (first.is_object()) throw BuiltinError("Object is not a sortable value");
  std::vector<std::pair<SortKey, size_t>> keys;
  for (size_t i = 0; i < arr.size(); ++i) {
    const Value& k = key_of(arr[i]);
    SortKey key;
    if (first.is_number()) {
      if (!k.is_number()) throw BuiltinError("expected number got " + ToJson(k));
      key.number = *AsF64(k);
      if (!std::isfinite(key.number))
        throw BuiltinError(FormatFloat(key.number) + " cannot be sorted");
    } else if (first.is_boolean()) {
      if (!k.is_boolean()) throw BuiltinError("expected bool got " + ToJson(k));
      key.boolean = k.get<bool>();
    } else if (first.is_string()) {
      if (!k.is_string()) throw BuiltinError("expected string got " + ToJson(k));
      key.text = &k.get_ref<const std::string&>();
    } else {
      if (!k.is_array()) throw BuiltinError("expected array got " + ToJson(k));
      key.length = k.size();
    }
    keys.emplace_back(key, i);
  }
  auto less = [&](const std::pair<SortKey, size_t>& a, const std::pair<SortKey, size_t>& b) {
    if (first.is_number()) return a.first.number < b.first.number;
    if (first.is_boolean()) return a.first.boolean < b.first.boolean;
    if (first.is_string()) return *a.first.text < *b.first.text;
    return a.first.length < b.first.length;
  };
  std::stable_sort(keys.begin(), keys.end(), less);
  Value out = Value::array();
  for (const auto& [key, i] : keys) out.push_back(arr[i]);
  return out;
}

Value Unique(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("unique", "value", v);
  if (arr.empty()) return v;
  const Value* cs = FindArg(args, "case_sensitive");
  bool case_sensitive = cs ? ArgBool("unique", "case_sensitive", *cs) : false;
  std::string attribute = OptionalAttribute("unique", args);
  const Value* first = Pointer(arr[0], attribute, true);
  if (!first) throw BuiltinError("attribute '" + attribute + "' does not reference a field");
  if (first->is_null()) throw BuiltinError("Null is not a unique value");
  if (first->is_number_float()) throw BuiltinError("Unique floats are not implemented");
  if (first->is_array()) throw BuiltinError("Unique arrays are not implemented");
  if (first->is_object()) throw BuiltinError("Unique objects are not implemented");
  auto same_type = [](const Value& a, const Value& b) {
    return (a.is_number() && b.is_number()) || a.type() == b.type();
  };
  std::set<int64_t> numbers;
  std::set<bool> bools;
  std::set<std::string> strings;
  Value out = Value::array();
  for (const Value& item : arr) {
    const Value* key = Pointer(item, attribute, true);
    if (!key) continue;
    if (!same_type(*key, *first)) throw BuiltinError("unique filter can't compare multiple types");
    bool inserted;
    if (first->is_number()) {
      auto n = AsI64(*key);
      if (!n) throw BuiltinError("expected number got " + ToJson(*key));
      inserted = numbers.insert(*n).second;
    } else if (first->is_boolean()) {
      inserted = bools.insert(key->get<bool>()).second;
    } else {
      const std::string& s = key->get_ref<const std::string&>();
      inserted = strings.insert(case_sensitive ? s : unicode::ToLower(s)).second;
    }
    if (inserted) out.push_back(item);
  }
  return out;
}

Value GroupBy(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("group_by", "value", v);
  if (arr.empty()) return Value::object();
  std::string attribute = RequiredAttribute("group_by", args);
  Value grouped = Value::object();
  for (const Value& item : arr) {
    const Value* key = Pointer(item, attribute);
    if (!key || key->is_null()) continue;
    std::string name = key->is_string() ? key->get<std::string>() : ToJson(*key);
    Value& bucket = grouped[name];
    if (bucket.is_null()) bucket = Value::array();
    bucket.push_back(item);
  }
  return grouped;
}

Value FilterFilter(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("filter", "value", v);
  if (arr.empty()) return v;
  std::string attribute = RequiredAttribute("filter", args);
  const Value* wanted = FindArg(args, "value");
  static const Value kNull;
  if (!wanted) wanted = &kNull;
  Value out = Value::array();
  for (const Value& item : arr) {
    const Value* found = Pointer(item, attribute);
    const Value& val = found ? *found : kNull;
    if (wanted->is_null() ? !val.is_null() : Equal(val, *wanted)) out.push_back(item);
  }
  return out;
}

Value Map(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("map", "value", v);
  if (arr.empty()) return v;
  std::string attribute = RequiredAttribute("map", args);
  Value out = Value::array();
  for (const Value& item : arr) {
    const Value* found = Pointer(item, attribute);
    if (found && !found->is_null()) out.push_back(*found);
  }
  return out;
}

// get_index: negative indexes count from the end; Rust's `as usize` saturates.
size_t Index(double i, size_t len) {
  double d = i >= 0 ? i : static_cast<double>(len) + i;
  if (!(d > 0)) return 0;
  if (d >= 18446744073709551615.0) return SIZE_MAX;
  return static_cast<size_t>(d);
}

Value Slice(const Value& v, const Kwargs& args) {
  const auto& arr = ArgArray("slice", "value", v);
  if (arr.empty()) return v;
  const Value* s = FindArg(args, "start");
  size_t start = s ? Index(ArgF64("slice", "start", *s), arr.size()) : 0;
  const Value* e = FindArg(args, "end");
  size_t end = e ? Index(ArgF64("slice", "end", *e), arr.size()) : arr.size();
  end = std::min(end, arr.size());
  Value out = Value::array();
  for (size_t i = start; i < end; ++i) out.push_back(arr[i]);
  return out;
}

Value Concat(const Value& v, const Kwargs& args) {
  Value out = ArgArray("concat", "value", v);
  const Value* with = FindArg(args, "with");
  if (!with) throw BuiltinError("The `concat` filter has to have a `with` argument");
  if (with->is_array()) {
    for (const Value& item : *with) out.push_back(item);
  } else {
    out.push_back(*with);
  }
  return out;
}

}  // namespace

void RegisterArrayFilters(std::unordered_map<std::string, Filter>& f) {
  f["first"] = First;
  f["last"] = Last;
  f["nth"] = Nth;
  f["join"] = Join;
  f["sort"] = Sort;
  f["unique"] = Unique;
  f["slice"] = Slice;
  f["group_by"] = GroupBy;
  f["filter"] = FilterFilter;
  f["map"] = Map;
  f["concat"] = Concat;
}

}  // namespace pond::tmpl
