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
  void* handle = OpenSharedLibrary(candidates, "DuckDB");
  DuckDbLibrary lib;
#define POND_DUCKDB_LOAD(name) \
  lib.name = reinterpret_cast<decltype(lib.name)>(SharedLibrarySymbol(handle, #name, "DuckDB"));
  POND_DUCKDB_FUNCTIONS(POND_DUCKDB_LOAD)
#undef POND_DUCKDB_LOAD
  return lib;
}

}  // namespace

const DuckDbLibrary& Lib() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const DuckDbLibrary lib = Load();
  return lib;
}

}  // namespace pond::engine
