#include "engine/duckdb_library.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/shared_library.h"

namespace pond::engine {

namespace {

DuckDbLibrary Load() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("POND_DUCKDB_LIBRARY"); env != nullptr && *env != '\0')
    candidates.push_back(env);
  std::error_code ec;
  if (candidates.empty() && std::filesystem::exists(POND_DUCKDB_LIBRARY_PATH, ec))
    candidates.push_back(POND_DUCKDB_LIBRARY_PATH);
  if (candidates.empty()) candidates.push_back("libduckdb.so");
  const std::string what = "DuckDB";
  void* handle = OpenSharedLibrary(candidates, what);
  DuckDbLibrary lib;
  POND_DUCKDB_FUNCTIONS(POND_LIBRARY_SYMBOL)
  return lib;
}

}  // namespace

const DuckDbLibrary& Lib() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const DuckDbLibrary lib = Load();
  return lib;
}

}  // namespace pond::engine
