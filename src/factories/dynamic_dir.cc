// dynamic-dir (docs/factories.md): a directory whose entries are dynamic nodes with
// inline configs. Each entry's config is validated by its own factory; its line
// numbers still point into the enclosing file.
#include <set>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "path/path.h"

namespace pond::factories {

namespace {

struct Entry {
  std::string name;
  const Factory* factory;
  Config config;  // the inline config, with the enclosing file's source and vars
};

std::vector<Entry> Parse(const Config& c) {
  Fields f(c.root, c, "config", {"entries"});
  std::vector<Entry> out;
  std::set<std::string> names;
  for (const auto& node : f.List("entries")) {
    Fields e(node, c, "an entry", {"name", "factory", "config"});
    const std::string name = e.String("name");
    if (!IsValidName(name))
      throw Error("invalid entry name '" + name + "'", e.Where(e.Required("name")));
    if (!names.insert(name).second)
      throw Error("duplicate entry name '" + name + "'", e.Where(e.Required("name")));
    const std::string factory = e.String("factory");
    const Factory* f_ptr = nullptr;
    for (const Factory* candidate : AllFactories())
      if (candidate->name() == factory) f_ptr = candidate;
    if (!f_ptr)
      throw Error("unknown factory '" + factory + "' (see 'pond list-factories')",
                  e.Where(e.Required("factory")));
    Config sub{e.Required("config"), c.source, c.text, c.vars};
    if (!sub.root.IsMap()) throw Error("field 'config' must be a map", e.Where(sub.root));
    f_ptr->Validate(sub);
    out.push_back(Entry{name, f_ptr, std::move(sub)});
  }
  return out;
}

class DynamicDirNode : public Generated {
 public:
  DynamicDirNode(std::string path, std::vector<Entry> entries)
      : path_(std::move(path)), entries_(std::move(entries)) {}

  Shape shape() const override { return Shape::kDir; }

  std::vector<std::string> List(View&) const override {
    std::vector<std::string> names;
    for (const auto& e : entries_) names.push_back(e.name);
    return names;
  }

  std::shared_ptr<const Generated> Child(View&, const std::string& name) const override {
    for (const auto& e : entries_)
      if (e.name == name) return e.factory->Create(JoinPath(path_, name), e.config);
    return nullptr;
  }

 private:
  std::string path_;
  std::vector<Entry> entries_;
};

class DynamicDir : public Factory {
 public:
  std::string name() const override { return "dynamic-dir"; }
  std::string description() const override { return "a directory of other dynamic nodes"; }
  Shape shape() const override { return Shape::kDir; }
  void Validate(const Config& config) const override { Parse(config); }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<DynamicDirNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& DynamicDirFactory() {
  static const DynamicDir f;
  return f;
}

}  // namespace pond::factories
