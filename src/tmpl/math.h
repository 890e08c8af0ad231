// Tera's arithmetic (eval_as_number in renderer/processor.rs) on serde_json numbers.
#pragma once

#include <optional>

#include "tmpl/ast.h"
#include "tmpl/value.h"

namespace pond::tmpl {

// `l op r`: integers stay integers (overflow is an error), `/` gives an integer when
// the quotient is whole. nullopt stands for NaN (Tera prints it as "NaN").
// Throws BuiltinError where Tera errors or panics.
std::optional<Number> ApplyMath(MathOp op, const Number& l, const Number& r);

}  // namespace pond::tmpl
