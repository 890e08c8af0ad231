#include "export/export_set.h"

#include <algorithm>

#include "base/error.h"

namespace pond::exporter {

namespace {
bool IsAgg(const std::string& s) {
  return s == "avg" || s == "min" || s == "max" || s == "count" || s == "sum";
}
}  // namespace

nlohmann::json OptJson(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}
nlohmann::json OptJson(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

SchemaField SplitColumn(const std::string& column, const std::string& type) {
  SchemaField f{column, type, {}, {}, {}, {}};
  std::string rest = column;
  // Peels the last `.`-separated part off `rest`; the whole of `rest` when no dot.
  auto take_last = [&rest]() {
    auto dot = rest.rfind('.');
    std::string part = dot == std::string::npos ? rest : rest.substr(dot + 1);
    rest = dot == std::string::npos ? "" : rest.substr(0, dot);
    return part;
  };
  auto dot = rest.rfind('.');
  if (dot != std::string::npos && IsAgg(rest.substr(dot + 1))) f.agg = take_last();
  if (rest.find('.') == std::string::npos) {
    if (!rest.empty()) f.name = rest;
    return f;
  }
  f.unit = take_last();
  f.name = take_last();
  if (!rest.empty()) f.instrument = rest;
  return f;
}

void SortFiles(std::vector<ExportOutput>& files) {
  std::sort(files.begin(), files.end(), [](const ExportOutput& a, const ExportOutput& b) {
    if (a.start_time.has_value() != b.start_time.has_value()) return a.start_time.has_value();
    if (a.start_time && *a.start_time != *b.start_time) return *a.start_time < *b.start_time;
    return a.file < b.file;
  });
}

nlohmann::json ToJson(const ExportOutput& o) {
  return {{"file", o.file},
          {"start_time", OptJson(o.start_time)},
          {"end_time", OptJson(o.end_time)},
          {"rows", OptJson(o.rows)},
          {"bytes", o.bytes}};
}

nlohmann::json ToJson(const SchemaField& f) {
  return {{"column", f.column},         {"type", f.type},
          {"name", OptJson(f.name)},    {"instrument", OptJson(f.instrument)},
          {"unit", OptJson(f.unit)},    {"agg", OptJson(f.agg)}};
}

nlohmann::json BuildExportSet(const std::vector<TargetOutput>& targets) {
  nlohmann::json set = nlohmann::json::object();
  for (const auto& t : targets) {
    nlohmann::json leaf = nlohmann::json::object();
    leaf["files"] = nlohmann::json::array();
    for (const auto& f : t.files) leaf["files"].push_back(ToJson(f));
    if (t.schema) {
      nlohmann::json fields = nlohmann::json::array();
      for (const auto& f : *t.schema) fields.push_back(ToJson(f));
      leaf["schema"] = {{"fields", fields}};
    } else {
      leaf["schema"] = nullptr;
    }
    nlohmann::json* at = &set;
    for (size_t i = 0; i < t.keys.size(); ++i) {
      bool last = i + 1 == t.keys.size();
      nlohmann::json& slot = (*at)[t.keys[i]];
      bool is_leaf = slot.is_object() && slot.contains("files") && slot.contains("schema");
      if ((last && !slot.is_null()) || (!last && is_leaf))
        throw Error("export targets overlap: captures of " + t.pond_path +
                    " collide with another target's");
      if (last) slot = std::move(leaf);
      at = &slot;
    }
  }
  return set;
}

}  // namespace pond::exporter
