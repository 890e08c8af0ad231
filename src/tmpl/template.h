// The template engine: Tera 1.17.1's language (docs/templates.md), rendering
// byte-identical output. Templates are parsed once (AddTemplate or through the
// Loader) and rendered many times; rendering borrows from the context instead of
// copying it.
//
// Every failure throws pond::Error whose `where` is `<template>:<line>:<col>`:
// a syntax error names the offending position, a render error the expression (or
// tag) that failed, in the template that holds it (a parent, include or macro file).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pond::tmpl {

using Value = nlohmann::json;  // sorted-key objects, as Tera iterates maps
using Kwargs = std::map<std::string, Value>;
using Function = std::function<Value(const Kwargs&)>;
using Filter = std::function<Value(const Value& input, const Kwargs&)>;
// Returns the source of a template by name, or nullopt if there is none.
using Loader = std::function<std::optional<std::string>(const std::string& name)>;

// Guards against runaway templates (recursive macros, self-includes, huge ranges,
// strings that double). Exceeding one is a render error, never a crash; Tera has none
// of these byte limits (docs/templates.md, "Limits").
struct Limits {
  int max_call_depth = 200;                    // nested macro calls + includes
  uint64_t max_loop_iterations = 100'000'000;  // all for-loop iterations of one render
  uint64_t max_range_length = 10'000'000;      // elements range() may build
  uint64_t max_output_bytes = 256ull << 20;    // rendered bytes, including macro output
  // Bytes of any one value a render builds (a string, or an array or object counted
  // as 16 bytes a value plus its strings and keys), checked before a concatenation
  // grows past it, so memory stays a small multiple of this.
  uint64_t max_value_bytes = 256ull << 20;
  // Bytes of all the values one render builds (filter and function results, array
  // literals, concatenations), and how deeply such values may nest.
  uint64_t max_built_bytes = 1ull << 34;
  int max_value_depth = 256;
};

// Tera's `slugify` filter on `text` (a-z, 0-9 and single dashes, non-ASCII spelled in
// ASCII as the deunicode crate does), for slugs made outside templates: sitegen's
// heading ids slug as a template's `| slugify` does.
std::string Slugify(std::string_view text);

class Engine {
 public:
  Engine();  // all Tera 1.17 built-ins registered
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Parses and stores `source` under `name` (autoescape on iff name ends .html/.htm/.xml),
  // replacing a template of the same name. Throws pond::Error("<what>", "<name>:<line>:<col>")
  // on a syntax error; the engine keeps its previous templates then.
  void AddTemplate(const std::string& name, const std::string& source);
  // Templates named by include/extends/import that were not added are fetched (and
  // parsed) through the loader, once, when a template referring to them is rendered.
  void SetLoader(Loader loader);
  void AddFunction(const std::string& name, Function f);
  void AddFilter(const std::string& name, Filter f);
  void SetLimits(const Limits& limits);
  // Renders template `name` with `context` (a JSON object). Throws pond::Error naming
  // name:line:col of the failing expression; a template that cannot be found or
  // loaded is named alone.
  std::string Render(const std::string& name, const Value& context);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// DuckPond helpers (docs/templates.md): function group(by, in) and filter to_json.
void AddPondHelpers(Engine& e);
// Function env(name, default) reading the process environment (config expansion).
void AddEnvFunction(Engine& e);

}  // namespace pond::tmpl
