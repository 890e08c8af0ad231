// Helpers for the engine's unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "tmpl/template.h"

namespace pond::tmpl::testing {

// Renders `source` as template `name` with the JSON context `ctx`.
inline std::string Render(const std::string& source, const std::string& ctx = "{}",
                          const std::string& name = "t.tera") {
  Engine e;
  AddPondHelpers(e);
  e.AddTemplate(name, source);
  return e.Render(name, Value::parse(ctx));
}

// The pond::Error `where` of rendering `source`, or "no error".
inline std::string ErrorWhere(const std::string& source, const std::string& ctx = "{}",
                              const std::string& name = "t.tera") {
  try {
    Render(source, ctx, name);
  } catch (const pond::Error& e) {
    return e.where();
  }
  return "no error";
}

}  // namespace pond::tmpl::testing
