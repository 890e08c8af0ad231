// Engine: the template set, its loader, the registered filters/tests/functions, and
// the boundary where internal errors become pond::Error.
#include <deque>
#include <set>
#include <unordered_map>

#include "base/error.h"
#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/renderer.h"
#include "tmpl/template.h"
#include "tmpl/template_set.h"

namespace pond::tmpl {

struct Engine::Impl {
  TemplateMap templates;
  Loader loader;
  std::set<std::string> not_found;  // names the loader had nothing for
  bool linked = false;              // templates are complete and linked
  std::unordered_map<std::string, Filter> filters;
  std::unordered_map<std::string, Tester> testers;
  std::unordered_map<std::string, Function> functions;
  Limits limits;
  uint64_t generation = 1;  // bumped when filters/functions change (renderer caches)

  // Loads, through the loader, every template the set refers to, then links them all
  // (as Tera does when templates are added). Missing includes are not errors here.
  void Prepare() {
    if (linked) return;
    std::deque<std::string> queue;
    for (const auto& [name, t] : templates) queue.push_back(name);
    while (!queue.empty()) {
      std::string name = queue.front();
      queue.pop_front();
      std::vector<std::string> required, optional;
      CollectReferences(*templates.at(name), &required, &optional);
      for (auto* list : {&required, &optional}) {
        for (const std::string& ref : *list) {
          if (templates.count(ref) || not_found.count(ref)) continue;
          std::optional<std::string> source;
          if (loader) source = loader(ref);
          if (!source) {
            not_found.insert(ref);
            continue;
          }
          templates[ref] = BuildTemplate(ref, *source);
          queue.push_back(ref);
        }
      }
    }
    LinkTemplates(templates);
    linked = true;
  }
};

Engine::Engine() : impl_(std::make_unique<Impl>()) {
  RegisterStringFilters(impl_->filters);
  RegisterArrayFilters(impl_->filters);
  RegisterCommonFilters(impl_->filters);
  RegisterTesters(impl_->testers);
  RegisterFunctions(impl_->functions, &impl_->limits);
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::AddTemplate(const std::string& name, const std::string& source) {
  impl_->templates[name] = BuildTemplate(name, source);
  impl_->not_found.clear();
  impl_->linked = false;
}

void Engine::SetLoader(Loader loader) {
  impl_->loader = std::move(loader);
  impl_->not_found.clear();
  impl_->linked = false;
}

void Engine::AddFunction(const std::string& name, Function f) {
  impl_->functions[name] = std::move(f);
  ++impl_->generation;
}

void Engine::AddFilter(const std::string& name, Filter f) {
  impl_->filters[name] = std::move(f);
  ++impl_->generation;
}
void Engine::SetLimits(const Limits& limits) { impl_->limits = limits; }

std::string Engine::Render(const std::string& name, const Value& context) {
  Impl& impl = *impl_;
  if (!impl.templates.count(name)) {
    std::optional<std::string> source;
    if (impl.loader) source = impl.loader(name);
    if (!source) throw Error("Template '" + name + "' not found", name);
    impl.templates[name] = BuildTemplate(name, *source);
    impl.linked = false;
  }
  try {
    impl.Prepare();
  } catch (...) {
    // A failed load or link leaves nothing half-linked for the next render.
    impl.linked = false;
    throw;
  }
  if (!context.is_object()) {
    throw Error("Creating a Context from a Value/Serialize requires it being a JSON object", name);
  }
  RenderEnv env{&impl.templates, &impl.filters,   &impl.testers,
                &impl.functions, impl.generation, impl.limits};
  std::string out;
  try {
    Renderer renderer(env, *impl.templates.at(name), context);
    renderer.Render(out);
  } catch (const RenderError& e) {
    throw Error(e.what(), Where(e.pos()));
  } catch (const BuiltinError& e) {
    throw Error(e.what(), name);
  }
  return out;
}

}  // namespace pond::tmpl
