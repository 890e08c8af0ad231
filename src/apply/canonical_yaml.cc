#include "apply/canonical_yaml.h"

#include "base/error.h"

namespace pond::apply {

namespace {

// yaml-cpp's tags: "?" for a plain scalar or an untagged collection, "!" for a quoted or
// block scalar, "" for null; anything else was written explicitly (`!!str 12`).
bool ExplicitTag(const std::string& tag) { return !tag.empty() && tag != "?" && tag != "!"; }

// A literal block keeps a multi-line SQL query readable; it cannot carry every string
// (trailing blank lines, a first line starting with a space), so it is used only when
// it reads back the same, followed by a key as it usually is.
bool LiteralReadsBack(const std::string& text) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "a" << YAML::Value << YAML::Literal << text << YAML::Key
    << "b" << YAML::Value << "c" << YAML::EndMap;
  try {
    return e.good() && YAML::Load(e.c_str())["a"].Scalar() == text;
  } catch (const YAML::Exception&) {
    return false;
  }
}

void EmitScalar(YAML::Emitter& out, const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {
    out << text;  // plain in the source: yaml-cpp writes it plain again
  } else if (text.find('\n') != std::string::npos && LiteralReadsBack(text)) {
    out << YAML::Literal << text;
  } else {
    out << YAML::DoubleQuoted << text;
  }
}

// Walks the tree itself: `out << node` would write a node met twice (an alias) as
// `&1` … `*1`.
void Emit(YAML::Emitter& out, const YAML::Node& node) {
  if (ExplicitTag(node.Tag())) out << YAML::VerbatimTag(node.Tag());
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out << YAML::Null;
      break;
    case YAML::NodeType::Scalar:
      EmitScalar(out, node);
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : node) {
        out << YAML::Key;
        Emit(out, kv.first);
        out << YAML::Value;
        Emit(out, kv.second);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string CanonicalYaml(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  Emit(out, node);
  if (!out.good()) throw Error("cannot write the config as YAML: " + out.GetLastError());
  std::string text = out.c_str();
  if (!text.ends_with('\n')) text += '\n';  // a literal block last ends with one already
  return text;
}

}  // namespace pond::apply
