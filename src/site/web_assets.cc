#include "site/web_assets.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/host_file.h"

namespace pond::site {

namespace {

namespace fs = std::filesystem;

fs::path ExecutableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

std::optional<WebAssets> FindWebAssets(const std::string& base_url, std::string* looked) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("POND_WEB_DIR"); env && *env) {
    candidates.push_back(env);
  } else if (const fs::path exe = ExecutableDir(); !exe.empty()) {
    candidates.push_back(exe / "share/pond/web");
    candidates.push_back(exe.parent_path() / "share/pond/web");
  }
  for (const fs::path& dir : candidates) {
    if (!fs::is_regular_file(dir / "importmap.json")) continue;
    WebAssets out{dir, {}, ""};
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) out.files.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.files.begin(), out.files.end());
    nlohmann::json map;
    try {
      map = nlohmann::json::parse(
          ReadHostFile(dir / "importmap.json", "the web bundle's import map"));
    } catch (const nlohmann::json::exception& e) {
      throw Error(std::string("not JSON: ") + e.what(), (dir / "importmap.json").string());
    }
    // Its paths are from the site's root: under base_url, as every link.
    for (auto& [name, url] : map["imports"].items())
      if (url.is_string() && url.get<std::string>().starts_with("/"))
        url = base_url + url.get<std::string>().substr(1);
    out.importmap = map.dump();
    return out;
  }
  if (looked) {
    looked->clear();
    for (const auto& c : candidates) *looked += (looked->empty() ? "" : ", ") + c.string();
  }
  return std::nullopt;
}

}  // namespace pond::site
