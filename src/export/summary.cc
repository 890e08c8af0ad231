// The export summary (docs/export.md, "Summary": the original DuckPond's format, byte
// for byte) and its --json twin.
#include <fmt/format.h>

#include "base/time.h"
#include "export/exporter.h"

namespace pond::exporter {

namespace {

std::string Day(const std::optional<int64_t>& ms) {
  return ms ? FormatDate(*ms * 1000) : "N/A";
}

nlohmann::json VarsJson(const std::map<std::string, std::string>& vars) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : vars) j[k] = v;
  return j;
}

}  // namespace

std::string FormatSummary(const ExportResult& result, const std::string& out_dir,
                          const std::map<std::string, std::string>& vars) {
  std::string s;
  s += "📊 Export Context Summary:\n";
  s += "========================\n";
  s += "📁 Output Directory: " + out_dir + "\n";
  s += fmt::format("📄 Total Files Exported: {}\n", result.total_files);
  s += "🔧 Template Variables: " + VarsJson(vars).dump() + "\n";
  s += "📋 Metadata by Pattern:\n";
  for (const auto& stage : result.stages) {
    s += "  🎯 Pattern: " + stage.pattern + "\n";
    s += fmt::format("    🗂️  {} capture groups:\n", stage.targets.size());
    for (const auto& t : stage.targets) {
      std::string group;
      for (const auto& k : t.keys) group += (group.empty() ? "" : "/") + k;
      s += "      📁 '" + group + "' wildcard capture:\n";
      s += fmt::format("        📄 {} exported file(s):\n", t.files.size());
      for (size_t i = 0; i < t.files.size() && i < 3; ++i) {
        const auto& f = t.files[i];
        s += "          📄 " + f.file + " (🕐 " + Day(f.start_time) + " → " + Day(f.end_time) + ")\n";
      }
      if (t.files.size() > 3) s += fmt::format("          ... ({} more files)\n", t.files.size() - 3);
    }
  }
  s += "✅ Export completed successfully!\n";
  return s;
}

nlohmann::json ToJson(const ExportResult& result, const std::string& out_dir,
                      const std::map<std::string, std::string>& vars) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& st : result.stages)
    stages.push_back({{"pattern", st.pattern}, {"export", st.export_set}});
  return {{"output_dir", out_dir},
          {"total_files", result.total_files},
          {"files_written", result.files_written},
          {"files_kept", result.files_kept},
          {"files_removed", result.files_removed},
          {"vars", VarsJson(vars)},
          {"stages", stages},
          {"warnings", result.warnings}};
}

}  // namespace pond::exporter
