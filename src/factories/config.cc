#include "factories/config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

#include "base/env_refs.h"
#include "base/error.h"
#include "path/glob.h"
#include "path/path.h"

#include "tmpl/template.h"

namespace pond::factories {

namespace {

std::string RenderConfig(const std::string& raw, const std::string& source,
                         const std::map<std::string, std::string>& vars) {
  tmpl::Engine engine;
  tmpl::AddEnvFunction(engine);
  nlohmann::json vars_json = nlohmann::json::object();
  for (const auto& [k, v] : vars) vars_json[k] = v;
  nlohmann::json context = vars_json;
  context["vars"] = vars_json;
  // Named by its source, so template errors read `(reduce.yaml:3:14)`.
  engine.AddTemplate(source, raw);
  return engine.Render(source, context);
}

bool IsScalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

}  // namespace

Config ExpandConfig(const std::string& raw, const std::string& source,
                    const std::map<std::string, std::string>& vars) {
  Config config;
  config.source = source;
  config.vars = vars;
  // `${env:…}` first (the original's references), then our template syntax.
  config.text = RenderConfig(ExpandEnvRefs(raw, source), source, vars);
  try {
    config.root = YAML::Load(config.text);
  } catch (const YAML::Exception& e) {
    std::string where = source;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1);
    throw Error("invalid YAML: " + e.msg, where);
  }
  if (!config.root.IsMap()) throw Error("config must be a YAML map", WhereOf(config, config.root));
  return config;
}

Config CheckConfig(const Factory& factory, const std::string& raw, const std::string& source,
                   const std::map<std::string, std::string>& vars) {
  Config config = ExpandConfig(raw, source, vars);
  factory.Validate(config);
  return config;
}

Config LoadConfig(View& view, const Node& node) {
  View::DynamicConfig dc = view.ConfigOf(node);
  Config config = ExpandConfig(dc.raw, node.path, dc.vars);
  config.node_id = static_cast<uint64_t>(node.stored->id);
  return config;
}

std::string WhereOf(const Config& config, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().line < 0) return config.source;
  return config.source + ":" + std::to_string(node.Mark().line + 1);
}

Fields::Fields(const YAML::Node& map, const Config& config, std::string_view what,
               std::initializer_list<std::string_view> known)
    : map_(map), config_(config) {
  if (!map.IsMap()) throw Error(std::string(what) + " must be a map", WhereOf(config, map));
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second)
      throw Error("duplicate field '" + key + "'", WhereOf(config, kv.first));
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == key;
    if (!ok) throw Error("unknown field '" + key + "'", WhereOf(config, kv.first));
  }
}

bool Fields::Has(std::string_view key) const { return Optional(key).IsDefined(); }

YAML::Node Fields::Optional(std::string_view key) const {
  // Iterate rather than map_[key]: operator[] on a const node is fine, but a
  // missing key then yields a zombie node whose Mark() is meaningless.
  for (const auto& kv : map_)
    if (kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node Fields::Required(std::string_view key) const {
  YAML::Node n = Optional(key);
  if (!n.IsDefined() || n.IsNull())
    throw Error("missing field '" + std::string(key) + "'", Where());
  return n;
}

std::string ScalarText(const YAML::Node& node, std::string_view field, const Config& config) {
  if (!IsScalar(node))
    throw Error("field '" + std::string(field) + "' must be a string", WhereOf(config, node));
  return node.Scalar();
}

std::string Fields::String(std::string_view key) const {
  return ScalarText(Required(key), key, config_);
}

std::optional<std::string> Fields::OptionalString(std::string_view key) const {
  YAML::Node n = Optional(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return ScalarText(n, key, config_);
}

std::vector<YAML::Node> Fields::List(std::string_view key) const {
  YAML::Node n = Required(key);
  if (!n.IsSequence())
    throw Error("field '" + std::string(key) + "' must be a list", WhereOf(config_, n));
  std::vector<YAML::Node> out;
  for (const auto& item : n) out.push_back(item);
  return out;
}

std::vector<std::string> Fields::StringList(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& item : List(key)) {
    if (!IsScalar(item))
      throw Error("field '" + std::string(key) + "' must be a list of strings",
                  WhereOf(config_, item));
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> Fields::OptionalStringList(std::string_view key) const {
  YAML::Node n = Optional(key);
  if (!n.IsDefined() || n.IsNull()) return {};
  return StringList(key);
}

std::string GlobField(const Fields& fields, std::string_view key) {
  std::string pattern = fields.String(key);
  try {
    CheckGlobPattern(pattern);
  } catch (const Error& e) {
    throw Error("field '" + std::string(key) + "': " + e.message() + ": " + pattern,
                fields.Where(fields.Required(key)));
  }
  return pattern;
}

InputUrl InputText(const YAML::Node& node, std::string_view field, const Config& config) {
  const std::string text = ScalarText(node, field, config);
  try {
    return ParseInputUrl(text, WhereOf(config, node));
  } catch (const Error& e) {
    throw Error("field '" + std::string(field) + "': " + e.message(), e.where());
  }
}

InputUrl InputField(const Fields& fields, std::string_view key) {
  return InputText(fields.Required(key), key, fields.config());
}

std::string PathField(const Fields& fields, std::string_view key) {
  std::string path = fields.String(key);
  try {
    return NormalizePath(path);
  } catch (const Error& e) {
    throw Error("field '" + std::string(key) + "': " + e.message() + ": " + path,
                fields.Where(fields.Required(key)));
  }
}

std::vector<std::string> TransformsField(const Fields& fields) {
  std::vector<std::string> out;
  for (const auto& t : fields.OptionalStringList("transforms")) {
    try {
      out.push_back(NormalizePath(t));
    } catch (const Error& e) {
      throw Error("field 'transforms': " + e.message() + ": " + t,
                  fields.Where(fields.Required("transforms")));
    }
  }
  return out;
}

std::string TimeColumnField(const Fields& fields) {
  std::string column = fields.OptionalString("time_column").value_or("timestamp");
  if (column.empty())
    throw Error("field 'time_column' must not be empty",
                fields.Where(fields.Required("time_column")));
  return column;
}

void CheckOutPattern(std::string_view pattern, std::string_view in_pattern,
                     const std::string& where) {
  if (pattern.empty()) throw Error("out_pattern must not be empty", where);
  if (pattern.find('/') != std::string_view::npos)
    throw Error("out_pattern must be a single name, without '/': " + std::string(pattern), where);
  size_t uses = 0;  // 1 + the largest $N, 0 when there is none
  std::string largest;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '$') continue;
    if (i + 1 < pattern.size() && pattern[i + 1] == '$') {
      ++i;
    } else if (i + 1 >= pattern.size() ||
               !std::isdigit(static_cast<unsigned char>(pattern[i + 1]))) {
      throw Error(
          "'$' in out_pattern must be followed by a capture number or '$': " + std::string(pattern),
          where);
    } else {
      size_t j = i + 1;
      while (j < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[j]))) ++j;
      const std::string digits(pattern.substr(i + 1, j - i - 1));
      const size_t n = digits.size() > 9 ? SIZE_MAX : std::stoul(digits) + 1;
      if (n > uses) {
        uses = n;
        largest = digits;
      }
      i = j - 1;
    }
  }
  if (uses == 0) {
    ExpandOutPattern(pattern, {}, where);  // a fixed name: it must be a valid one
    return;
  }
  size_t stars = 0;
  for (const std::string& part : SplitPath(std::string(in_pattern))) {
    if (part == "**") return;  // one capture per level matched: known only on read
    stars += static_cast<size_t>(std::count(part.begin(), part.end(), '*'));
  }
  if (uses > stars)
    throw Error("out_pattern '" + std::string(pattern) + "' uses $" + largest + " but in_pattern " +
                    std::string(in_pattern) + " has " + std::to_string(stars) + " capture" +
                    (stars == 1 ? "" : "s"),
                where);
}

std::string ExpandOutPattern(std::string_view pattern, const std::vector<std::string>& captures,
                             const std::string& where) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '$') {
      out += pattern[i];
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[j]))) ++j;
    if (j == i + 1)
      throw Error(
          "'$' in out_pattern must be followed by a capture number or '$': " + std::string(pattern),
          where);
    const std::string digits(pattern.substr(i + 1, j - i - 1));
    // Any index of more than 9 digits is beyond every possible capture list.
    const size_t index = digits.size() > 9 ? SIZE_MAX : std::stoul(digits);
    if (index >= captures.size())
      throw Error("out_pattern '" + std::string(pattern) + "' uses $" + digits +
                      " but the match has " + std::to_string(captures.size()) + " capture" +
                      (captures.size() == 1 ? "" : "s"),
                  where);
    out += captures[index];
    i = j - 1;
  }
  if (!IsValidName(out))
    throw Error("out_pattern '" + std::string(pattern) + "' gives an invalid name '" + out + "'",
                where);
  return out;
}

}  // namespace pond::factories
