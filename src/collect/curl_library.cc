#include "collect/curl_library.h"

#include "base/error.h"
#include "base/shared_library.h"

namespace pond::collect {

namespace {

CurlLibrary Load() {
  void* handle = OpenSharedLibrary({"libcurl.so.4"}, "libcurl");
  CurlLibrary lib;
#define POND_CURL_LOAD(name) \
  lib.name = reinterpret_cast<decltype(lib.name)>(SharedLibrarySymbol(handle, #name, "libcurl"));
  POND_CURL_FUNCTIONS(POND_CURL_LOAD)
#undef POND_CURL_LOAD
  if (lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw Error("cannot initialise libcurl");
  return lib;
}

}  // namespace

const CurlLibrary& Curl() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const CurlLibrary lib = Load();
  return lib;
}

}  // namespace pond::collect
