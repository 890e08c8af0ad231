#include "logfile/host_files.h"

#include <glob.h>
#include <sys/stat.h>

#include <map>

#include "base/error.h"

namespace pond::logfile {

namespace {

std::vector<std::string> Glob(const std::string& pattern) {
  glob_t g{};
  const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH) throw Error("cannot read host pattern", pattern);
  return out;
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

std::vector<HostFile> ListHostFiles(const Config& config) {
  std::vector<HostFile> out;
  std::map<std::string, std::string> names;  // base name → host path
  const auto add = [&](const std::string& pattern, bool active) {
    for (const std::string& path : Glob(pattern)) {
      struct stat st{};
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const std::string name = BaseName(path);
      auto [it, fresh] = names.emplace(name, path);
      if (!fresh) {
        if (it->second == path) continue;  // active and archived alike: active
        throw Error("two host files named '" + name + "': " + it->second + " and " + path,
                    pattern);
      }
      out.push_back({path, name, static_cast<int64_t>(st.st_size), active});
    }
  };
  add(config.active_pattern, true);
  add(config.archived_pattern, false);
  return out;
}

}  // namespace pond::logfile
