#include "site/data_stages.h"

#include <algorithm>

#include "base/error.h"
#include "export/exporter.h"
#include "export/manifest.h"
#include "factories/input_url.h"
#include "path/path.h"
#include "sitegen/partitioning.h"

namespace pond::site {

namespace {

namespace fs = std::filesystem;

bool IsUrl(const std::string& pattern) { return pattern.find("://") != std::string::npos; }

// The pond path less its first component and its last one's extension:
// /reduced/BDock/res=1h.series → {BDock, res=1h}. A path of one component keeps it.
std::vector<std::string> KeysOf(const std::string& pond_path) {
  std::vector<std::string> keys = SplitPath(pond_path);
  if (keys.size() > 1) keys.erase(keys.begin());
  std::string& last = keys.back();
  if (const size_t dot = last.rfind('.'); dot != std::string::npos && dot > 0) last.resize(dot);
  return keys;
}

// The resolution a `res=` component of the path names (`res=1h.series`).
std::optional<int64_t> ResolutionIn(const std::string& pond_path) {
  for (std::string c : SplitPath(pond_path)) {
    if (!c.starts_with("res=")) continue;
    c = c.substr(4);
    if (const size_t dot = c.find('.'); dot != std::string::npos) c.resize(dot);
    return sitegen::ResolutionOf(c);
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : "/") + k;
  return out;
}

// year=2024/quarter=3/data_0.parquet → {{year, 2024}, {quarter, 3}}.
std::vector<std::pair<std::string, std::string>> TemporalOf(const std::string& file) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  for (size_t slash; (slash = file.find('/', start)) != std::string::npos; start = slash + 1) {
    const std::string part = file.substr(start, slash - start);
    if (const size_t eq = part.find('='); eq != std::string::npos)
      out.emplace_back(part.substr(0, eq), part.substr(eq + 1));
  }
  return out;
}

DataFile FileOf(const std::string& pond_path, const std::vector<std::string>& captures,
                const std::vector<std::string>& keys, const exporter::ExportOutput& o) {
  return DataFile{pond_path,
                  captures,
                  ResolutionIn(pond_path),
                  TemporalOf(o.file),
                  "data/" + Join(keys) + "/" + o.file,
                  o.start_time,
                  o.end_time,
                  o.rows};
}

}  // namespace

fs::path DataDirOf(const fs::path& out_dir) {
  // Symlinks resolved as Staging resolves them: the data goes beside the folder the
  // site's staging replaces, on its file system, so that the site links its files.
  const fs::path out = fs::weakly_canonical(fs::absolute(out_dir));
  const fs::path name = out.has_filename() ? out.filename() : out.parent_path().filename();
  const fs::path parent = out.has_filename() ? out.parent_path() : out.parent_path().parent_path();
  return parent / ("." + name.string() + ".pond-data");
}

DataStages WriteDataStages(factories::View& view, const sitegen::SiteConfig& config,
                           const fs::path& out_dir, store::Disk& disk, bool quick, bool progress) {
  DataStages out;
  out.dir = DataDirOf(out_dir);
  if (config.exports.empty()) return out;
  // The captures of every match, by stage and pond path (the exporter's targets name
  // only the path).
  std::vector<std::map<std::string, std::vector<std::string>>> captures(config.exports.size());
  auto layout = [&](size_t stage, const GlobMatch& m) {
    captures[stage][m.path] = m.captures;
    const sitegen::ExportStage& s = config.exports[stage];
    exporter::TargetLayout l{KeysOf(m.path), {}};
    if (!IsUrl(s.pattern))
      l.temporal = sitegen::TemporalKeys(ResolutionIn(m.path), s.target_points);
    return l;
  };

  if (quick) {
    const exporter::Manifest manifest = exporter::Manifest::Load(out.dir);
    for (size_t s = 0; s < config.exports.size(); ++s) {
      const std::string& pattern = config.exports[s].pattern;
      const std::string glob =
          IsUrl(pattern) ? factories::ParseInputUrl(pattern, pattern).glob : pattern;
      std::vector<DataFile>& files = out.files[config.exports[s].name];
      for (const GlobMatch& m : view.MatchedFiles(glob)) {
        const std::vector<std::string> keys = KeysOf(m.path);
        auto it = manifest.targets.find(Join(keys));
        // Another pond path at the same folder (a pattern changed since) is no match.
        if (it == manifest.targets.end() || it->second.pond_path != m.path) {
          out.warnings.push_back("--quick: " + m.path +
                                 " was never exported: its pages have no data yet");
          continue;
        }
        std::vector<exporter::ExportOutput> outputs;
        for (const auto& [folder, part] : it->second.parts)
          for (const auto& f : part.files) outputs.push_back(f.output);
        exporter::SortFiles(outputs);
        for (const auto& o : outputs) files.push_back(FileOf(m.path, m.captures, keys, o));
      }
    }
    return out;
  }

  exporter::ExportOptions options;
  for (const auto& s : config.exports) options.patterns.push_back(s.pattern);
  options.out_dir = out.dir.string();
  options.layout = layout;
  options.progress = progress;
  // The exporter prints its warnings as they happen: not kept here to be printed again.
  const exporter::ExportResult r = exporter::Export(view, options, disk);
  for (size_t s = 0; s < r.stages.size(); ++s) {
    std::vector<DataFile>& files = out.files[config.exports[s].name];
    for (const auto& t : r.stages[s].targets) {
      // A data file (a page, a CSV) is copied by the exporter under another name; a
      // stage is for the browser's tables.
      if (!t.schema)
        throw Error("an export stage takes series and tables; this is a data file (use static[])",
                    t.pond_path);
      for (const auto& o : t.files)
        files.push_back(FileOf(t.pond_path, captures[s][t.pond_path], t.keys, o));
    }
  }
  return out;
}

}  // namespace pond::site
