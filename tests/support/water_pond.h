// A water-shaped pond (the Caspar Water deployment: an OpenTelemetry collector on a
// small machine writes OTLP JSON lines to a log that rotates, casparwater.json then
// casparwater-<date>.json; every hour the pond mirrors the files and reduces them).
// One apply file in the shape of the original's water.yaml: a logfile-ingest node,
// five temporal-reduces at 1m, 10m, 1h, 6h and 1d over `oteljson:///`, and
// sql-derived-series analyses with window functions over the reductions; then an
// export. Shared by tests/water_pond_test.cc and bench case 19. Header-only.
//
//   OtlpGauges spec = water::Telemetry(start_micros, lines);
//   WriteFile(dir / "water.yaml", water::ApplyYaml(logs_dir));
//   pond apply -f water.yaml; pond run /etc/ingest; pond export water::ExportArgs(out)…
#pragma once

#include <string>
#include <vector>

#include "support/otlp_lines.h"

namespace pond::testing::water {

// The gauges the collector reports each minute, in this order (line i, gauge g has
// OtlpGauges' default value g + (i % 1000) / 8: exact sums in any order).
inline const std::vector<std::string>& Gauges() {
  static const std::vector<std::string> names = {
      "well_depth_value", "atlasph_ph", "system_pressure_psi", "flow_gpm",
      "flow_total_gal",   "pump1_amps", "pump2_amps"};
  return names;
}

// `lines` minute lines of every gauge from `start_micros`.
inline OtlpGauges Telemetry(int64_t start_micros, int64_t lines) {
  OtlpGauges spec;
  spec.gauges = static_cast<int>(Gauges().size());
  spec.name = [](int g) { return Gauges()[g]; };
  spec.lines = lines;
  spec.start_micros = start_micros;
  return spec;
}

// The log's name while written, and a rotated one's.
constexpr const char* kActiveLog = "casparwater.json";
inline std::string ArchivedLog(const std::string& date) { return "casparwater-" + date + ".json"; }

// One temporal-reduce: /reduced/<name>/data/res=<r>.series for each of Resolutions().
struct Aggregation {
  std::string type;                  // avg, min, max, count
  std::vector<std::string> columns;  // {"*"} with count: timestamp.count
};
struct Reduction {
  std::string name;
  std::vector<Aggregation> aggregations;
};

inline const std::vector<Reduction>& Reductions() {
  static const std::vector<Reduction> r = {
      {"well-depth",
       {{"avg", {"well_depth_value"}},
        {"min", {"well_depth_value"}},
        {"max", {"well_depth_value"}}}},
      {"ph", {{"avg", {"atlasph_ph"}}, {"min", {"atlasph_ph"}}, {"max", {"atlasph_ph"}}}},
      {"pressure", {{"avg", {"system_pressure_psi"}}, {"max", {"system_pressure_psi"}}}},
      {"flow", {{"avg", {"flow_gpm"}}, {"max", {"flow_total_gal"}}}},
      {"pumps",
       {{"avg", {"pump1_amps", "pump2_amps"}},
        {"max", {"pump1_amps", "pump2_amps"}},
        {"count", {"*"}}}},
  };
  return r;
}

// Each resolution as the config writes it and as a DuckDB interval.
struct Resolution {
  std::string name;
  std::string interval;
  int64_t micros;
};
inline const std::vector<Resolution>& Resolutions() {
  static const std::vector<Resolution> r = {{"1m", "1 minute", 60'000'000},
                                            {"10m", "10 minutes", 600'000'000},
                                            {"1h", "1 hour", 3'600'000'000},
                                            {"6h", "6 hours", 21'600'000'000},
                                            {"1d", "1 day", 86'400'000'000}};
  return r;
}

// One sql-derived-series: `query` over the reduction `input` at `resolution`, named
// `relation` in it.
struct Analysis {
  std::string name;  // /analysis/<name>
  std::string relation;
  std::string input;
  std::string resolution;
  std::string query;
};

inline const std::vector<Analysis>& Analyses() {
  static const std::vector<Analysis> a = {
      {"well-depth-change", "well", "well-depth", "10m",
       "SELECT \"timestamp\",\n"
       "  \"well_depth_value.avg\" - LAG(\"well_depth_value.avg\") OVER w AS \"change\",\n"
       "  LEAD(\"well_depth_value.avg\") OVER w - \"well_depth_value.avg\" AS \"next_change\"\n"
       "FROM well\n"
       "WINDOW w AS (ORDER BY \"timestamp\")"},
      {"ph-moving-average", "ph", "ph", "1m",
       "SELECT \"timestamp\",\n"
       "  avg(\"atlasph_ph.avg\") OVER (ORDER BY \"timestamp\"\n"
       "    RANGE BETWEEN INTERVAL 30 MINUTES PRECEDING AND CURRENT ROW) AS \"ph.avg30m\"\n"
       "FROM ph"},
      {"pressure-hourly", "pressure", "pressure", "1m",
       "SELECT time_bucket(INTERVAL '1 hour', \"timestamp\") AS \"timestamp\",\n"
       "  approx_percentile_cont(\"system_pressure_psi.avg\", 0.9) AS \"pressure.p90\",\n"
       "  median(\"system_pressure_psi.avg\") AS \"pressure.median\"\n"
       "FROM pressure GROUP BY 1"},
      {"usage-daily", "flow", "flow", "1d",
       "SELECT \"timestamp\",\n"
       "  \"flow_total_gal.max\" - LAG(\"flow_total_gal.max\") OVER (ORDER BY \"timestamp\") AS "
       "\"usage_gal\"\n"
       "FROM flow"},
  };
  return a;
}

// A reduction's output series in the pond.
inline std::string ReducedPath(const std::string& reduction, const std::string& resolution) {
  return "/reduced/" + reduction + "/data/res=" + resolution + ".series";
}

// The apply file: logs mirrored from `logs_dir` (a host folder) into /ingest.
inline std::string ApplyYaml(const std::string& logs_dir) {
  std::string y =
      "version: v1\nkind: mkdir\nmetadata: {path: /ingest}\n"
      "---\nversion: v1\nkind: mknod\nmetadata:\n  path: /etc/ingest\nspec:\n"
      "  factory: logfile-ingest\n  config:\n"
      "    archived_pattern: " +
      logs_dir +
      "/casparwater-*.json\n"
      "    active_pattern: " +
      logs_dir + "/" + kActiveLog +
      "\n"
      "    pond_path: /ingest\n";
  for (const Reduction& r : Reductions()) {
    y += "---\nversion: v1\nkind: mknod\nmetadata:\n  path: /reduced/" + r.name +
         "\nspec:\n  factory: temporal-reduce\n  config:\n"
         "    in_pattern: \"oteljson:///ingest/casparwater*.json\"\n"
         "    out_pattern: data\n    time_column: timestamp\n    resolutions: [";
    for (size_t i = 0; i < Resolutions().size(); ++i) y += (i ? ", " : "") + Resolutions()[i].name;
    y += "]\n    allowed_lateness: 14d\n    aggregations:\n";
    for (const Aggregation& a : r.aggregations) {
      y += "      - type: " + a.type + "\n        columns: [";
      for (size_t i = 0; i < a.columns.size(); ++i) y += (i ? ", \"" : "\"") + a.columns[i] + "\"";
      y += "]\n";
    }
  }
  for (const Analysis& a : Analyses()) {
    y += "---\nversion: v1\nkind: mknod\nmetadata:\n  path: /analysis/" + a.name +
         "\nspec:\n  factory: sql-derived-series\n  config:\n    patterns:\n      " + a.relation +
         ": \"series://" + ReducedPath(a.input, a.resolution) + "\"\n    query: |\n";
    size_t from = 0;
    while (from < a.query.size()) {
      const size_t end = a.query.find('\n', from);
      y += "      " + a.query.substr(from, end - from) + "\n";
      from = end == std::string::npos ? a.query.size() : end + 1;
    }
  }
  return y;
}

// `pond export` of every reduction and analysis into `out`, a partition per `temporal`.
inline std::vector<std::string> ExportArgs(const std::string& out, const std::string& temporal) {
  return {"export",    "--pattern",   "/reduced/*/data/*.series",
          "--pattern", "/analysis/*", "--dir",
          out,         "--temporal",  temporal};
}

}  // namespace pond::testing::water
