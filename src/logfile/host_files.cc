#include "logfile/host_files.h"

#include <fnmatch.h>
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

bool IsActiveName(const Config& config, const std::string& name) {
  const auto matches = [&](const std::string& pattern) {
    return ::fnmatch(BaseName(pattern).c_str(), name.c_str(), FNM_PERIOD) == 0;
  };
  return matches(config.active_pattern) && !matches(config.archived_pattern);
}

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
