#include "apply/mknod_config.h"

#include <cctype>

#include "apply/canonical_yaml.h"
#include "base/error.h"

namespace pond::apply {

namespace {

// 0-based lines of `checked` (parsed from the canonical text) → 0-based lines of the
// document, pairing the nodes of two trees of the same shape. The first node on a line
// decides it; where the shapes part (a template that changed a key), pairing stops.
void PairLines(const YAML::Node& checked, const YAML::Node& host, std::map<int, int>& lines) {
  if (!checked.IsDefined() || !host.IsDefined()) return;
  if (checked.Mark().line >= 0 && host.Mark().line >= 0)
    lines.emplace(checked.Mark().line, host.Mark().line);
  if (checked.IsMap() && host.IsMap()) {
    auto c = checked.begin();
    for (auto h = host.begin(); c != checked.end() && h != host.end(); ++c, ++h) {
      if (!c->first.IsScalar() || !h->first.IsScalar() || c->first.Scalar() != h->first.Scalar())
        return;
      PairLines(c->first, h->first, lines);
      PairLines(c->second, h->second, lines);
    }
  } else if (checked.IsSequence() && host.IsSequence()) {
    for (size_t i = 0; i < checked.size() && i < host.size(); ++i)
      PairLines(checked[i], host[i], lines);
  }
}

// The tree an error's line counts in: the expanded text's when it expands (the factory
// refused it), else the canonical text's (the expansion failed, at a line of it).
YAML::Node TreeOfError(const std::string& text, const Document& doc,
                       const std::map<std::string, std::string>& vars) {
  try {
    return factories::ExpandConfig(text, doc.origin, vars).root;
  } catch (const Error&) {
    return YAML::Load(text);
  }
}

}  // namespace

MknodConfig CheckMknodConfig(const factories::Factory& factory, const YAML::Node& config,
                             const Document& doc, const std::map<std::string, std::string>& vars) {
  MknodConfig out;
  out.text = CanonicalYaml(config);
  try {
    out.checked = factories::CheckConfig(factory, out.text, doc.origin, vars);
  } catch (const Error& e) {
    // `origin:12` or a template's `origin:12:5`, 12 counted in the canonical text.
    const std::string prefix = doc.origin + ":";
    if (!e.where().starts_with(prefix)) throw;
    size_t digits = prefix.size();
    while (digits < e.where().size() && std::isdigit(static_cast<unsigned char>(e.where()[digits])))
      ++digits;
    if (digits == prefix.size()) throw;
    const int line = std::stoi(e.where().substr(prefix.size(), digits - prefix.size())) - 1;
    std::map<int, int> lines;
    PairLines(TreeOfError(out.text, doc, vars), config, lines);
    auto host = lines.find(line);
    throw Error(e.message(), host == lines.end() ? doc.origin : doc.WhereLine(host->second));
  }
  return out;
}

}  // namespace pond::apply
