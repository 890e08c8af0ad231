// `pond render TEMPLATE [--context CTX.json]`: renders one template file from the host
// (docs/templates.md); needs no pond. TEMPLATE's folder is its template set, as for
// Tera and the reference renderer (tools/tera-oracle): every file there is a template
// named by its file name (except the context file and `expected*` test files), so a
// broken sibling is an error even when unused, and include/import/extends resolve to
// them. `-v key=value` variables land in the context's `vars` object.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "cli/command.h"
#include "tmpl/template.h"

namespace pond::cli {

namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadHostFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return buf.str();
}

tmpl::Value ReadContext(const std::string& path) {
  if (path.empty()) return tmpl::Value::object();
  std::optional<std::string> text = ReadHostFile(path);
  if (!text) throw Error("cannot read context file", path);
  tmpl::Value ctx;
  try {
    ctx = tmpl::Value::parse(*text);
  } catch (const tmpl::Value::parse_error& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  if (!ctx.is_object()) throw Error("the context must be a JSON object", path);
  // serde_json, which Tera reads contexts with, refuses nesting of 128 and more.
  std::vector<std::pair<const tmpl::Value*, int>> stack{{&ctx, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth >= 128) throw Error("invalid JSON: nested more than 127 levels deep", path);
    for (const auto& child : *v) {
      if (child.is_structured()) stack.emplace_back(&child, depth + 1);
    }
  }
  return ctx;
}

void Render(const std::string& template_path, const std::string& context_path,
            const GlobalOptions& g) {
  fs::path path(template_path);
  std::optional<std::string> source = ReadHostFile(path);
  if (!source) throw Error("cannot read template", template_path);
  tmpl::Value ctx = ReadContext(context_path);
  if (!g.vars.empty()) {
    tmpl::Value& vars = ctx["vars"];
    if (vars.is_null()) vars = tmpl::Value::object();
    if (!vars.is_object()) throw Error("the context's `vars` is not an object", context_path);
    for (const auto& [key, value] : g.vars) vars[key] = value;
  }

  tmpl::Engine engine;
  tmpl::AddPondHelpers(engine);
  fs::path dir = path.parent_path();
  engine.SetLoader([dir](const std::string& name) -> std::optional<std::string> {
    // Only plain file names of the template's own folder.
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      return std::nullopt;
    }
    return ReadHostFile(dir / name);
  });
  std::string name = path.filename().string();
  std::error_code ec;
  fs::path context_file =
      context_path.empty() ? fs::path() : fs::weakly_canonical(context_path, ec);
  for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    std::string sibling = entry.path().filename().string();
    if (!entry.is_regular_file() || sibling == name || sibling.starts_with("expected") ||
        fs::weakly_canonical(entry.path(), ec) == context_file) {
      continue;
    }
    std::optional<std::string> text = ReadHostFile(entry.path());
    if (!text) throw Error("cannot read template", entry.path().string());
    engine.AddTemplate(sibling, *text);
  }
  engine.AddTemplate(name, *source);
  std::string out = engine.Render(name, ctx);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void RegisterRender(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("render", "render a template file with a JSON context");
  auto template_path = std::make_shared<std::string>();
  auto context_path = std::make_shared<std::string>();
  cmd->add_option("TEMPLATE", *template_path, "the template file")->required();
  cmd->add_option("--context", *context_path, "a JSON file with the context object");
  cmd->callback([template_path, context_path, &g] { Render(*template_path, *context_path, g); });
}

POND_COMMAND("render", RegisterRender);

}  // namespace pond::cli
