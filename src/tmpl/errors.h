// Errors inside the engine; Engine converts them to pond::Error at its boundary.
#pragma once

#include <stdexcept>
#include <string>

#include "tmpl/ast.h"

namespace pond::tmpl {

// A render failure at the expression or tag at fault.
class RenderError : public std::runtime_error {
 public:
  RenderError(const Pos& pos, const std::string& message)
      : std::runtime_error(message), pos_(pos) {}
  const Pos& pos() const { return pos_; }

 private:
  Pos pos_;
};

// A failure inside a filter, test or function; the caller adds the position.
class BuiltinError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void Fail(const Pos& pos, const std::string& message) {
  throw RenderError(pos, message);
}

}  // namespace pond::tmpl
