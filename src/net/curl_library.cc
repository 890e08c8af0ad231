#include "net/curl_library.h"

#include "base/error.h"
#include "base/shared_library.h"

namespace pond::net {

namespace {

CurlLibrary Load() {
  const std::string what = "libcurl";
  void* handle = OpenSharedLibrary({"libcurl.so.4"}, what);
  CurlLibrary lib;
  POND_CURL_FUNCTIONS(POND_LIBRARY_SYMBOL)
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

}  // namespace pond::net
