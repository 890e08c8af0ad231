// Loading a shared library on first use (dlopen), for the two big ones only some
// commands need: DuckDB (src/engine/) and libcurl (src/net/). Each wraps this in a
// struct of function pointers typed from the library's own header (X-macros).
#pragma once

#include <string>
#include <vector>

namespace pond {

// Opens the first of `candidates` that loads (RTLD_LAZY | RTLD_LOCAL; never closed).
// Throws pond::Error `cannot load <what>: <dlerror> (<first candidate>)`. Logs at
// debug level `loaded <what> from <path> in N ms`: tests look for that line.
void* OpenSharedLibrary(const std::vector<std::string>& candidates, const std::string& what);
// A symbol of an opened library; throws `cannot load <what>: no symbol <name>`.
void* SharedLibrarySymbol(void* handle, const char* name, const std::string& what);

// For a struct of one field per function of an X-macro list (X(name) X(name)…):
// POND_LIBRARY_FIELD declares a field typed from the library's own header, and
// POND_LIBRARY_SYMBOL fills it, where `lib`, `handle` and `what` are in scope.
#define POND_LIBRARY_FIELD(name) decltype(&::name) name = nullptr;
#define POND_LIBRARY_SYMBOL(name) \
  lib.name = reinterpret_cast<decltype(lib.name)>(::pond::SharedLibrarySymbol(handle, #name, what));

}  // namespace pond
