// template (docs/factories.md): a dynamic directory with one file:data per match of
// in_pattern, named by out_pattern: template_file (a pond file:data) rendered with
// {args: captures, vars, export}. The template is named by its pond path, so
// autoescape follows its name; include/import/extends resolve to pond paths in the
// template_file's folder.
#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "path/path.h"

#include "tmpl/template.h"

namespace pond::factories {

namespace {

struct TemplateConfig {
  std::string in_pattern, out_pattern, template_file;
  std::map<std::string, std::string> vars;
};

TemplateConfig Parse(const Config& c) {
  Fields f(c.root, c, "config", {"in_pattern", "out_pattern", "template_file"});
  TemplateConfig out;
  out.in_pattern = GlobField(f, "in_pattern");
  out.out_pattern = f.String("out_pattern");
  CheckOutPattern(out.out_pattern, out.in_pattern, f.Where(f.Required("out_pattern")));
  out.template_file = PathField(f, "template_file");
  out.vars = c.vars;
  return out;
}

std::string Render(View& view, const std::string& template_file, const nlohmann::json& context) {
  const std::string source = view.ReadData(view.Get(template_file));
  const std::string folder = ParentPath(template_file);
  tmpl::Engine engine;
  tmpl::AddPondHelpers(engine);
  engine.SetLoader([&view, folder](const std::string& name) -> std::optional<std::string> {
    std::optional<Node> node;
    try {
      node = view.Lookup(name.starts_with("/") ? name : (folder == "/" ? "" : folder) + "/" + name);
    } catch (const Error&) {
      return std::nullopt;  // not a valid pond path: "template not found" from the engine
    }
    if (!node || node->shape != Shape::kData) return std::nullopt;
    return view.ReadData(*node);
  });
  engine.AddTemplate(template_file, source);
  return engine.Render(template_file, context);
}

class TemplateOutput : public Generated {
 public:
  TemplateOutput(std::string path, std::vector<std::string> args,
                 std::shared_ptr<const TemplateConfig> config)
      : path_(std::move(path)), args_(std::move(args)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kData; }
  std::optional<std::string> TemplateFile() const override { return config_->template_file; }

  // Rendered on every read: during export the `export` variable changes per stage.
  std::string ReadData(View& view) const override {
    View::Guard guard(view, path_);
    nlohmann::json context = nlohmann::json::object();
    context["args"] = args_;
    context["vars"] = config_->vars;
    context["export"] = view.export_context();
    return Render(view, config_->template_file, context);
  }

 private:
  std::string path_;
  std::vector<std::string> args_;
  std::shared_ptr<const TemplateConfig> config_;
};

// Directories match too: `/test-locations/*` names the sites.
class TemplateNode : public MatchedDir {
 public:
  TemplateNode(const std::string& path, TemplateConfig config)
      : MatchedDir(path, config.in_pattern, config.out_pattern, /*files_only=*/false,
                   /*merges=*/false),
        config_(std::make_shared<const TemplateConfig>(std::move(config))) {}

 protected:
  std::shared_ptr<const Generated> MakeChild(const std::string& child_path,
                                             const std::vector<GlobMatch>& matches) const override {
    return std::make_shared<TemplateOutput>(child_path, matches.front().captures, config_);
  }

 private:
  std::shared_ptr<const TemplateConfig> config_;
};

class Template : public Factory {
 public:
  std::string name() const override { return "template"; }
  std::string description() const override { return "one rendered file per match"; }
  Shape shape() const override { return Shape::kDir; }
  void Validate(const Config& config) const override { Parse(config); }
  void CheckInputs(View& view, const std::string& path, const Config& config) const override {
    TemplateNode(path, Parse(config)).CheckMatches(view);
  }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<TemplateNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& TemplateFactory() {
  static const Template f;
  return f;
}

}  // namespace pond::factories
