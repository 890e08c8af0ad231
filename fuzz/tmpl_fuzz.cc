// libFuzzer target for the template engine: parses and renders the input (as an
// autoescaped .html template when its size is odd) with a small fixed context. Any
// crash, sanitizer report, hang or out-of-memory is a bug; pond::Error is the only
// acceptable failure. The input is also reachable as "self.tera" for self-includes,
// imports and extends.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"
#include "tmpl/template.h"

namespace {

const pond::tmpl::Value& Context() {
  static const pond::tmpl::Value ctx = pond::tmpl::Value::parse(R"({
    "s": "héllo <b>wörld</b> & 'co'", "n": 42, "f": -2.5, "big": 18446744073709551615,
    "t": true, "z": null, "xs": [3, 1, 2], "ss": ["b", "a", "c"],
    "m": {"a": 1, "b": [1, 2], "c": {"d": "e"}},
    "export": {"A": {"files": [{"start_time": 1719792000000, "end_time": null, "file": "a.parquet"},
                               {"start_time": 1719795600000, "end_time": 1719799200000, "file": "b.parquet"}],
                     "schema": {"fields": [{"name": "x", "unit": "m"}, {"name": "y", "unit": "s"}]}}},
    "args": ["A"], "vars": {"title": "Noyo"}})");
  return ctx;
}

const char* kBase = "<{% block a %}base-a{% block b %}base-b{% endblock b %}{% endblock a %}>";
const char* kMacros =
    "{% macro f(x, y=1) %}[{{ x }}{{ y }}]{% endmacro f %}"
    "{% macro rec(n) %}{{ n }}{% if n > 0 %}{{ self::rec(n=n-1) }}{% endif %}{% endmacro rec %}";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  pond::tmpl::Engine engine;
  pond::tmpl::AddPondHelpers(engine);
  pond::tmpl::Limits limits;
  limits.max_call_depth = 40;
  limits.max_loop_iterations = 20000;
  limits.max_range_length = 5000;
  limits.max_output_bytes = 1 << 20;
  limits.max_value_bytes = 1 << 20;
  limits.max_built_bytes = 8 << 20;
  limits.max_value_depth = 64;
  engine.SetLimits(limits);
  engine.SetLoader([&source](const std::string& name) -> std::optional<std::string> {
    if (name == "self.tera") return source;
    if (name == "base.tera") return std::string(kBase);
    if (name == "macros.tera") return std::string(kMacros);
    return std::nullopt;
  });
  std::string name = size % 2 ? "fuzz.html" : "fuzz.tera";
  try {
    engine.AddTemplate(name, source);
    engine.Render(name, Context());
    engine.Render(name, Context());  // a second render must not depend on the first
  } catch (const pond::Error&) {
  }
  return 0;
}
