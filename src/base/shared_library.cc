#include "base/shared_library.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "base/error.h"

namespace pond {

void* OpenSharedLibrary(const std::vector<std::string>& candidates, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  std::string first_error;
  for (const auto& path : candidates) {
    // Lazy: a function is bound on its first call, so a command pays for the few it
    // calls, not for all of a library's (libduckdb's took 16 ms of its load bound
    // now, 7 ms lazily: docs/benchmarks.md, "What this machine charges").
    if (void* handle = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL)) {
      spdlog::debug("loaded {} from {} in {} ms", what, path,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count());
      return handle;
    }
    const char* why = ::dlerror();
    if (first_error.empty()) first_error = why != nullptr ? why : "unknown error";
  }
  throw Error("cannot load " + what + ": " + first_error,
              candidates.empty() ? "" : candidates.front());
}

void* SharedLibrarySymbol(void* handle, const char* name, const std::string& what) {
  void* sym = ::dlsym(handle, name);
  if (sym == nullptr) throw Error("cannot load " + what + ": no symbol " + name);
  return sym;
}

}  // namespace pond
