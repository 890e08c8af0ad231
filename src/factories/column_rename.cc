// column-rename (docs/factories.md): a transform, applied to an input through its
// `transforms:` list. Rules apply in order; the first matching rule per column wins.
#include <optional>
#include <regex>
#include <set>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/sql.h"

namespace pond::factories {

namespace {

struct Rule {
  std::optional<std::string> from, to;  // exact rename
  std::optional<std::regex> pattern;    // or whole-name regex, with
  std::string replacement;              // `$1`-style replacement
  std::optional<std::string> cast;      // a DuckDB type
};

// The cast goes into SQL as written, so only plain type names are accepted:
// `DOUBLE`, `DECIMAL(18, 3)`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`.
bool IsTypeName(const std::string& type) {
  static const std::regex re(R"([A-Za-z][A-Za-z0-9_ ]*(\(\s*[0-9]+\s*(,\s*[0-9]+\s*)?\))?(\[\])?)");
  return std::regex_match(type, re);
}

Rule ParseRule(const YAML::Node& node, const Config& c) {
  Fields f(node, c, "a rule", {"type", "from", "to", "pattern", "replacement", "cast"});
  Rule r;
  if (f.Has("from") == f.Has("pattern"))
    throw Error("a rule needs exactly one of 'from' or 'pattern'", f.Where());
  // The original's configs name each rule's kind (docs/original.md); ours is known
  // from its fields, so `type` is optional and must agree with them.
  if (const std::optional<std::string> type = f.OptionalString("type")) {
    const char* implied = f.Has("from") ? "direct" : "pattern";
    if (*type != "direct" && *type != "pattern")
      throw Error("invalid rule type '" + *type + "' (expected direct or pattern)",
                  f.Where(f.Required("type")));
    if (*type != implied)
      throw Error("a rule of type '" + *type + "' takes '" +
                      (*type == "direct" ? "from" : "pattern") + "', not '" +
                      (f.Has("from") ? "from" : "pattern") + "'",
                  f.Where(f.Required("type")));
  }
  if (f.Has("from")) {
    if (f.Has("replacement")) throw Error("unknown field 'replacement' with 'from'", f.Where());
    r.from = f.String("from");
    r.to = f.String("to");
    if (r.to->empty()) throw Error("field 'to' must not be empty", f.Where(f.Required("to")));
  } else {
    if (f.Has("to")) throw Error("unknown field 'to' with 'pattern'", f.Where());
    const std::string pattern = f.String("pattern");
    try {
      r.pattern = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error("invalid regular expression '" + pattern + "': " + e.what(),
                  f.Where(f.Required("pattern")));
    }
    r.replacement = f.String("replacement");
  }
  r.cast = f.OptionalString("cast");
  if (r.cast && !IsTypeName(*r.cast))
    throw Error("field 'cast' is not a type name: '" + *r.cast + "'", f.Where(f.Required("cast")));
  return r;
}

std::vector<Rule> Parse(const Config& c) {
  Fields f(c.root, c, "config", {"rules"});
  std::vector<Rule> rules;
  for (const auto& node : f.List("rules")) rules.push_back(ParseRule(node, c));
  if (rules.empty()) throw Error("field 'rules' must not be empty", f.Where(f.Required("rules")));
  return rules;
}

class ColumnRenameNode : public Transform {
 public:
  ColumnRenameNode(std::string path, std::vector<Rule> rules, std::string config_text)
      : path_(std::move(path)), rules_(std::move(rules)), config_text_(std::move(config_text)) {}

  // What it does to a relation is its expanded config.
  std::optional<std::string> Identity(View&, const TimeRange&) const override {
    return Digest({"column-rename", config_text_});
  }

  std::string Apply(View& view, const std::string& relation, const std::string& time_column,
                    const std::string& input) const override {
    for (const auto& r : rules_)
      if (r.from == time_column)
        throw Error("the time column '" + time_column + "' cannot be renamed", path_);
    sql::Select select;
    // The time column may also be made by a rule (an HTML export's `Date Time`).
    std::set<std::string> names;
    for (const auto& c : view.Describe(relation)) {
      if (c.name == time_column) {
        if (!names.insert(c.name).second)
          throw Error("column-rename " + path_ + " gives two columns the name '" + c.name + "'",
                      input);
        select.Column(sql::Ident(c.name));
        continue;
      }
      std::string name = c.name;
      std::string expr = sql::Ident(c.name);
      if (const Rule* r = FirstMatch(c.name)) {
        name = r->from ? *r->to : std::regex_replace(c.name, *r->pattern, r->replacement);
        if (r->cast) expr = "CAST(" + expr + " AS " + *r->cast + ")";
      }
      if (name.empty() || !names.insert(name).second)
        throw Error("column-rename " + path_ + " gives two columns the name '" + name + "'", input);
      select.Column(expr, name);
    }
    return select.From(relation).Relation();
  }

 private:
  const Rule* FirstMatch(const std::string& column) const {
    for (const auto& r : rules_)
      if (r.from ? *r.from == column : std::regex_match(column, *r.pattern)) return &r;
    return nullptr;
  }

  std::string path_;
  std::vector<Rule> rules_;
  std::string config_text_;
};

class ColumnRename : public Factory {
 public:
  std::string name() const override { return "column-rename"; }
  std::string description() const override { return "rename/cast columns of an input"; }
  Shape shape() const override { return Shape::kTransform; }
  void Validate(const Config& config) const override { Parse(config); }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<ColumnRenameNode>(path, Parse(config), config.text);
  }
};

}  // namespace

const Factory& ColumnRenameFactory() {
  static const ColumnRename f;
  return f;
}

}  // namespace pond::factories
