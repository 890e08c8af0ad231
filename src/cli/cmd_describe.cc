// `pond describe PATTERN` (spec cli.md): for each match its kind, versions, rows,
// time range and schema, all from the catalog and Parquet footers (no data scan).
#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "path/glob.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

using store::Kind;

struct Summary {
  std::optional<int64_t> rows, min_ts, max_ts;
};

// Series rows add up over versions; a table is its latest version.
Summary Summarize(const store::NodeInfo& n) {
  Summary s;
  if (n.versions.empty()) return s;
  if (n.kind == Kind::kTable)
    return {n.versions.back().rows, n.versions.back().min_ts, n.versions.back().max_ts};
  for (const auto& v : n.versions) {
    if (v.rows) s.rows = s.rows.value_or(0) + *v.rows;
    if (v.min_ts) s.min_ts = std::min(s.min_ts.value_or(*v.min_ts), *v.min_ts);
    if (v.max_ts) s.max_ts = std::max(s.max_ts.value_or(*v.max_ts), *v.max_ts);
  }
  return s;
}

std::string KindLabel(const store::NodeInfo& n) {
  if (n.kind == Kind::kDynamic) return "dynamic:" + n.factory;
  if (n.kind == Kind::kSymlink) return "symlink -> " + n.target;
  return store::KindName(n.kind);
}

std::string Text(store::Pond& pond, const std::string& path, const store::NodeInfo& n) {
  std::string out = path + "  " + KindLabel(n) + "\n";
  if (n.kind == Kind::kDir) return out + "  entries: " + std::to_string(pond.List(n).size()) + "\n";
  if (n.kind == Kind::kSymlink) return out;
  const auto& latest = n.versions.back();
  out += fmt::format("  versions: {} (latest v{}, transaction {}, {})\n", n.versions.size(),
                     latest.version, latest.txn_seq, FormatSeconds(latest.time_us));
  if (n.kind == Kind::kData) return out + fmt::format("  size: {} bytes\n", latest.size);
  if (n.kind == Kind::kDynamic) return out + fmt::format("  config: {} bytes\n", latest.size);
  Summary s = Summarize(n);
  out += fmt::format("  rows: {}", s.rows.value_or(0));
  if (n.kind == Kind::kSeries || s.min_ts)
    out += s.min_ts ? fmt::format("   time: {} .. {}", FormatIso(*s.min_ts), FormatIso(*s.max_ts))
                    : std::string("   time: -");
  out += "\n  schema:\n";
  std::vector<store::Column> cols = pond.Columns(n);
  size_t width = 0;
  for (const auto& c : cols) width = std::max(width, c.name.size());
  for (const auto& c : cols) out += fmt::format("    {:<{}}{}\n", c.name, width + 4, c.type);
  return out;
}

nlohmann::ordered_json Json(store::Pond& pond, const std::string& path, const store::NodeInfo& n) {
  nlohmann::ordered_json j{{"path", path}, {"kind", store::KindName(n.kind)}};
  if (n.kind == Kind::kDynamic) j["factory"] = n.factory;
  if (n.kind == Kind::kSymlink) j["target"] = n.target;
  if (n.kind == Kind::kDir) j["entries"] = pond.List(n).size();
  auto opt = [](const std::optional<int64_t>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
  };
  auto iso = [](const std::optional<int64_t>& v) {
    return v ? nlohmann::ordered_json(FormatIso(*v)) : nlohmann::ordered_json();
  };
  if (n.kind == Kind::kDir || n.kind == Kind::kSymlink) return j;
  j["versions"] = nlohmann::ordered_json::array();
  for (const auto& v : n.versions)
    j["versions"].push_back({{"version", v.version},
                             {"transaction", v.txn_seq},
                             {"time", FormatIso(v.time_us)},
                             {"blob", v.blob},
                             {"size", v.size},
                             {"rows", opt(v.rows)},
                             {"min_time", iso(v.min_ts)},
                             {"max_time", iso(v.max_ts)}});
  if (n.kind == Kind::kTable || n.kind == Kind::kSeries) {
    Summary s = Summarize(n);
    j["rows"] = opt(s.rows);
    j["min_time"] = iso(s.min_ts);
    j["max_time"] = iso(s.max_ts);
    j["schema"] = nlohmann::ordered_json::array();
    for (const auto& c : pond.Columns(n))
      j["schema"].push_back({{"name", c.name}, {"type", c.type}});
  }
  return j;
}

void RegisterDescribe(CLI::App& app, GlobalOptions& g) {
  static std::string pattern;
  auto* cmd = app.add_subcommand("describe", "kind, schema, versions and time range of matches");
  cmd->add_option("PATTERN", pattern, "glob pattern")->required();
  cmd->callback([&g] {
    auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
    GlobResult r = Glob(pattern, pond->tree());
    for (const auto& w : r.warnings) Warn(w);
    if (r.matches.empty()) throw Error("pattern matched nothing", pattern);
    std::vector<nlohmann::ordered_json> items;
    for (const auto& m : r.matches) {
      auto node = pond->Lookup(m.path, /*follow_last=*/false);
      if (!node) continue;
      if (g.json)
        items.push_back(Json(*pond, m.path, *node));
      else
        PrintText(Text(*pond, m.path, *node));
    }
    if (g.json) PrintText(JsonArrayLines(items));
  });
}

}  // namespace

POND_COMMAND("describe", RegisterDescribe);

}  // namespace pond::cli
