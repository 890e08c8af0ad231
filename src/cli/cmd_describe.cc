// `pond describe PATTERN` (docs/cli.md): for each match its kind, versions, rows,
// time range and schema, all from the catalog and Parquet footers (no data scan).
#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "engine/duckdb.h"
#include "factories/view.h"
#include "path/glob.h"
#include "store/table_source.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

using store::Kind;

using Summary = store::Pond::Extent;

// A table or series a factory computes has no versions: rows and time range come
// from one aggregate query over its relation (this reads the inputs).
struct Computed {
  Summary summary;
  std::vector<store::Column> schema;
};

Computed Compute(factories::View& view, const factories::Node& node) {
  engine::Connection& con = view.pond().sql();
  const std::string relation = view.RelationSql(node);
  Computed c;
  c.schema = store::DescribeSource(con, "SELECT * FROM " + relation, node.path);
  bool has_ts = false;
  for (const auto& col : c.schema) has_ts |= col.name == "timestamp";
  engine::Result r = con.Query(
      has_ts ? "SELECT count(*), epoch_us(min(\"timestamp\")), epoch_us(max(\"timestamp\")) FROM " +
                   relation
             : "SELECT count(*), NULL::BIGINT, NULL::BIGINT FROM " + relation);
  const auto& row = r.rows().at(0);
  c.summary.rows = row[0].as_int();
  if (!row[1].is_null()) c.summary.min_ts = row[1].as_int();
  if (!row[2].is_null()) c.summary.max_ts = row[2].as_int();
  return c;
}

std::string StatsText(const Computed& c, bool series) {
  const Summary& s = c.summary;
  std::string out = fmt::format("  rows: {}", s.rows.value_or(0));
  if (series || s.min_ts)
    out += s.min_ts ? fmt::format("   time: {} .. {}", FormatIso(*s.min_ts), FormatIso(*s.max_ts))
                    : std::string("   time: -");
  out += "\n  schema:\n";
  size_t width = 0;
  for (const auto& col : c.schema) width = std::max(width, col.name.size());
  for (const auto& col : c.schema) out += fmt::format("    {:<{}}{}\n", col.name, width + 4, col.type);
  return out;
}

std::string KindLabel(const store::NodeInfo& n) {
  if (n.kind == Kind::kSymlink) return store::KindName(n.kind) + " -> " + n.target;
  return store::ListedKind(n.kind, n.factory);
}

std::string Text(store::Pond& pond, const std::string& path, const store::NodeInfo& n) {
  std::string out = path + "  " + KindLabel(n) + "\n";
  if (n.kind == Kind::kDir) {
    out += "  entries: " + std::to_string(pond.List(n).size()) + "\n";
    if (path == "/" && !pond.birthplace().empty()) out += "  birthplace: " + pond.birthplace() + "\n";
    return out;
  }
  if (n.kind == Kind::kSymlink) return out;
  const auto& latest = n.versions.back();
  out += fmt::format("  versions: {} (latest v{}, transaction {}, {})\n", n.versions.size(),
                     latest.version, latest.txn_seq, FormatSeconds(latest.time_us));
  if (n.kind == Kind::kData) return out + fmt::format("  size: {} bytes\n", latest.size);
  if (n.kind == Kind::kLog) {
    const store::LogState s = pond.LogStateOf(n);
    return out + fmt::format("  size: {} bytes\n  blake3: {}\n", s.size, s.blake3);
  }
  if (n.kind == Kind::kDynamic) return out + fmt::format("  config: {} bytes\n", latest.size);
  return out + StatsText({pond.ExtentOf(n), pond.Columns(n)}, n.kind == Kind::kSeries);
}

void AddStatsJson(nlohmann::ordered_json& j, const Computed& c) {
  auto iso = [](const std::optional<int64_t>& v) {
    return v ? nlohmann::ordered_json(FormatIso(*v)) : nlohmann::ordered_json();
  };
  j["rows"] = c.summary.rows ? nlohmann::ordered_json(*c.summary.rows) : nlohmann::ordered_json();
  j["min_time"] = iso(c.summary.min_ts);
  j["max_time"] = iso(c.summary.max_ts);
  j["schema"] = nlohmann::ordered_json::array();
  for (const auto& col : c.schema) j["schema"].push_back({{"name", col.name}, {"type", col.type}});
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
  if (n.kind == Kind::kTable || n.kind == Kind::kSeries)
    AddStatsJson(j, {pond.ExtentOf(n), pond.Columns(n)});
  if (n.kind == Kind::kLog) {
    const store::LogState s = pond.LogStateOf(n);
    j["size"] = s.size;
    j["blake3"] = s.blake3;
  }
  return j;
}

void RegisterDescribe(CLI::App& app, GlobalOptions& g) {
  static std::string pattern;
  auto* cmd = app.add_subcommand("describe", "kind, schema, versions and time range of matches");
  cmd->add_option("PATTERN", pattern, "glob pattern")->required();
  cmd->callback([&g] {
    auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
    factories::View view(*pond, g.vars);
    std::vector<GlobMatch> matches = view.Glob(pattern);
    if (matches.empty()) throw Error("pattern matched nothing", pattern);
    std::vector<nlohmann::ordered_json> items;
    for (const auto& m : matches) {
      std::optional<factories::Node> seen = view.Lookup(m.path);
      if (!seen) continue;
      const bool rows = seen->shape == factories::Shape::kTable ||
                        seen->shape == factories::Shape::kSeries;
      // A stored node is described from the catalog; a dynamic node also shows what
      // its factory computes, a generated node only that.
      std::optional<store::NodeInfo> node;
      if (seen->stored) node = pond->Lookup(m.path, /*follow_last=*/false);
      const bool computed = rows && (!node || node->kind == Kind::kDynamic);
      std::optional<Computed> stats;
      if (computed) stats = Compute(view, *seen);
      if (g.json) {
        nlohmann::ordered_json j =
            node ? Json(*pond, m.path, *node)
                 : nlohmann::ordered_json{{"path", m.path}, {"kind", seen->listed_kind}};
        if (stats) AddStatsJson(j, *stats);
        items.push_back(std::move(j));
      } else {
        std::string text =
            node ? Text(*pond, m.path, *node) : m.path + "  " + seen->listed_kind + "\n";
        if (stats) text += StatsText(*stats, seen->shape == factories::Shape::kSeries);
        PrintText(text);
      }
    }
    if (g.json) PrintText(JsonArrayLines(items));
  });
}

}  // namespace

POND_COMMAND("describe", RegisterDescribe);

}  // namespace pond::cli
