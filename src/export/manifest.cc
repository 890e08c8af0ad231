#include "export/manifest.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "base/error.h"
#include "store/disk.h"

namespace fs = std::filesystem;

namespace pond::exporter {

namespace {

constexpr int kFormat = 1;

std::optional<int64_t> OptOf(const nlohmann::json& j) {
  return j.is_number_integer() ? std::optional<int64_t>(j.get<int64_t>()) : std::nullopt;
}

// A path the manifest may name: relative, plain components, inside OUT. The manifest
// lies in OUT, where anyone may edit it, and the export deletes what it names.
bool Contained(const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string::npos) return false;
  for (const auto& part : fs::path(rel))
    if (part == ".." || part == "." || part.empty()) return false;
  return true;
}

}  // namespace

std::optional<FileStamp> StampOf(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStamp{st.st_size, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                   st.st_ino};
}

Manifest Manifest::Load(const fs::path& out_dir) {
  Manifest m;
  std::ifstream in(out_dir / kManifestName, std::ios::binary);
  if (!in) return m;
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  // Anything unexpected is no manifest: the export then rewrites everything.
  if (j.is_discarded() || !j.is_object() || j.value("format", 0) != kFormat) return m;
  m.text_ = text.str();
  try {
    for (const auto& [rel, s] : j.at("files").items()) {
      if (!Contained(rel)) return Manifest{};
      m.files[rel] =
          FileStamp{s.at(0).get<int64_t>(), s.at(1).get<int64_t>(), s.at(2).get<uint64_t>()};
    }
    for (const auto& [rel, t] : j.at("targets").items()) {
      ManifestTarget& target = m.targets[rel];
      target.context = t.at("context").get<std::string>();
      target.pond_path = t.value("path", "");
      for (const auto& [folder, p] : t.at("parts").items()) {
        ManifestPart& part = target.parts[folder];
        part.identity = p.at("identity").get<std::string>();
        for (const auto& f : p.at("files")) {
          ManifestFile file;
          file.output.file = f.at("file").get<std::string>();
          if (!Contained(rel + "/" + file.output.file)) return Manifest{};
          file.output.start_time = OptOf(f.at("start_time"));
          file.output.end_time = OptOf(f.at("end_time"));
          file.output.rows = OptOf(f.at("rows"));
          file.output.bytes = f.at("bytes").get<int64_t>();
          file.ts_nulls = f.value("ts_nulls", int64_t{0});
          part.files.push_back(std::move(file));
        }
      }
    }
  } catch (const nlohmann::json::exception&) {
    return Manifest{};
  }
  m.loaded_ = true;
  return m;
}

bool Manifest::Intact(const fs::path& out_dir, const std::string& rel) const {
  auto it = files.find(rel);
  if (it == files.end()) return false;
  auto now = StampOf(out_dir / rel);
  return now && *now == it->second;
}

std::string Manifest::Text() const {
  nlohmann::json j = {{"format", kFormat}};
  nlohmann::json fj = nlohmann::json::object();
  for (const auto& [rel, s] : files) fj[rel] = {s.size, s.mtime_ns, s.inode};
  nlohmann::json tj = nlohmann::json::object();
  for (const auto& [rel, t] : targets) {
    nlohmann::json parts = nlohmann::json::object();
    for (const auto& [folder, p] : t.parts) {
      nlohmann::json pf = nlohmann::json::array();
      for (const auto& f : p.files)
        pf.push_back({{"file", f.output.file},
                      {"start_time", OptJson(f.output.start_time)},
                      {"end_time", OptJson(f.output.end_time)},
                      {"rows", OptJson(f.output.rows)},
                      {"bytes", f.output.bytes},
                      {"ts_nulls", f.ts_nulls}});
      parts[folder] = {{"identity", p.identity}, {"files", pf}};
    }
    tj[rel] = {{"path", t.pond_path}, {"context", t.context}, {"parts", parts}};
  }
  j["files"] = fj;
  j["targets"] = tj;
  // One line: the hourly refresh reads and writes it whole (1.3 MB indented at 8 years).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void Manifest::Save(store::Disk& disk, const fs::path& dir, const std::string& text) {
  disk.WriteFile((dir / kManifestName).string(), text);
}

}  // namespace pond::exporter
