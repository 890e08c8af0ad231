// The canonical text of a YAML subtree: what `pond apply` stores as a mknod config and
// compares byte for byte to tell `unchanged` from `updated` (docs/apply.md).
//
// Promises:
// - Deterministic: equal trees give equal bytes, however the source was laid out
//   (comments, flow or block style, indentation, quote style are not kept).
// - Anchors and aliases are resolved: an alias is written out in full, never as `*x`.
// - Parsing the text gives the same tree: the same scalars, and a scalar quoted in the
//   source stays quoted (`id: "123"` is a string to the factories, `id: 123` is not).
// - `${env:…}` references stay as written: the text is the unexpanded one.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace pond::apply {

// Maps and sequences in block style; a multi-line quoted scalar as a literal block
// (`|`) when that reads back the same, else double-quoted; other quoted scalars
// double-quoted; plain scalars plain. Ends with a newline. Throws pond::Error if
// yaml-cpp cannot emit it.
std::string CanonicalYaml(const YAML::Node& node);

}  // namespace pond::apply
