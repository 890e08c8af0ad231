// `pond list [PATTERN] [-l]` (docs/cli.md, docs/paths.md; issue 19 for the
// patterns): matching paths in sorted order; `-l` adds kind, versions, latest size
// and last write time.
#include <optional>

#include <fmt/format.h>

#include "base/log.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "factories/view.h"
#include "path/glob.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

using store::Kind;

struct ListOptions {
  std::string pattern_text;
  std::optional<std::string> pattern;  // none given: everything
  bool long_format = false;
};

// The glob a list argument stands for, read as `ls -R` users read it: none = every
// entry below the root; `/` = the root's entries; `/dir/` = the entries inside /dir
// (a trailing `/` lists inside whatever the rest matches); `/dir` = the entry
// itself; a relative pattern (`data`, `**/*.csv`) is taken from the root.
std::string ListPattern(const std::optional<std::string>& arg) {
  if (!arg) return "/**";
  std::string p = *arg;
  if (!p.empty() && p.front() != '/') p = "/" + p;
  if (!p.empty() && p.back() == '/') p += "*";
  return p;
}

// What `-l` shows of one node.
struct Listing {
  std::string kind;  // dynamic nodes show their factory: dynamic:temporal-reduce
  std::string versions = "-";
  std::string size = "-";
  std::optional<int64_t> time_us;  // last write: latest version's commit, else creation
  std::string suffix;   // ` -> target` for symlinks
};

// The latest version's bytes; a file:log's whole size, not the last append's.
int64_t SizeOf(const store::Pond& pond, const store::NodeInfo& n) {
  return n.kind == Kind::kLog ? pond.LogStateOf(n).size : n.versions.back().size;
}

Listing Describe(const store::Pond& pond, const store::NodeInfo& n) {
  Listing l;
  l.kind = store::ListedKind(n.kind, n.factory);
  l.time_us = n.created_time_us;
  if (n.kind == Kind::kSymlink) l.suffix = " -> " + n.target;
  if (!n.versions.empty()) {
    l.versions = std::to_string(n.versions.size());
    l.size = std::to_string(SizeOf(pond, n));
    l.time_us = n.versions.back().time_us;
  }
  return l;
}

void RegisterList(CLI::App& app, GlobalOptions& g) {
  static ListOptions o;
  auto* cmd = app.add_subcommand("list", "list pond paths matching a glob pattern");
  auto* pattern = cmd->add_option("PATTERN", o.pattern_text,
                                  "glob pattern; /dir/ lists inside /dir; none lists everything");
  cmd->add_flag("-l,--long", o.long_format, "kind, versions, size, last write time");
  cmd->callback([&g, pattern] {
    if (pattern->count() > 0) o.pattern = o.pattern_text;
    auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
    // Dynamic directories list what their factories generate (names only).
    factories::View view(*pond, g.vars);
    std::vector<nlohmann::ordered_json> items;
    for (const auto& m : view.Glob(ListPattern(o.pattern))) {
      if (!o.pattern && m.path == "/") continue;  // everything below the root
      if (!o.long_format && !g.json) {
        std::printf("%s\n", m.path.c_str());
        continue;
      }
      // A stored node is described from the catalog (a symlink as itself); a node a
      // factory generates has no versions of its own.
      std::optional<factories::Node> seen = view.Lookup(m.path);
      if (!seen) continue;
      std::optional<store::NodeInfo> node;
      if (seen->stored) node = pond->Lookup(m.path, /*follow_last=*/false);
      Listing l =
          node ? Describe(*pond, *node) : Listing{seen->listed_kind, "-", "-", std::nullopt, ""};
      if (g.json) {
        nlohmann::ordered_json j{{"path", m.path},
                                 {"kind", node ? store::KindName(node->kind) : l.kind},
                                 {"captures", m.captures}};
        if (node && node->kind == Kind::kDynamic) j["factory"] = node->factory;
        if (node && node->kind == Kind::kSymlink) j["target"] = node->target;
        if (o.long_format) {
          j["versions"] = node ? node->versions.size() : 0;
          j["size"] = !node || node->versions.empty()
                          ? nlohmann::ordered_json()
                          : nlohmann::ordered_json(SizeOf(*pond, *node));
          j["time"] = l.time_us ? nlohmann::ordered_json(FormatIso(TruncateToSecond(*l.time_us)))
                                : nlohmann::ordered_json();
        }
        items.push_back(std::move(j));
        continue;
      }
      std::string time = l.time_us ? FormatSeconds(*l.time_us) : "-";
      std::printf("%s", fmt::format("{:<23} {:>4} {:>9}  {:<19}  {}{}\n", l.kind, l.versions,
                                    l.size, time, m.path, l.suffix)
                            .c_str());
    }
    if (g.json) PrintText(JsonArrayLines(items));
  });
}

}  // namespace

POND_COMMAND("list", RegisterList);

}  // namespace pond::cli
