// libcurl, loaded with dlopen on first use (internal to src/net/): only commands
// that speak HTTP pay for loading it and its TLS stack. Every function called is one
// field here, typed from curl.h itself.
#pragma once

// The type-checking macros would turn `Curl().curl_easy_setopt(…)` into a call of the
// linked symbol.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "base/shared_library.h"

namespace pond::net {

#define POND_CURL_FUNCTIONS(X)                                                             \
  X(curl_global_init)                                                                      \
  X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_setopt)            \
      X(curl_easy_perform) X(curl_easy_getinfo) X(curl_easy_strerror) X(curl_slist_append) \
          X(curl_slist_free_all)

struct CurlLibrary {
  POND_CURL_FUNCTIONS(POND_LIBRARY_FIELD)
};

// libcurl.so.4 from the loader's search path, loaded and globally initialised on the
// first call; throws pond::Error `cannot load libcurl: …`.
const CurlLibrary& Curl();

}  // namespace pond::net
