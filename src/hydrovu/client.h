// The HydroVu public API over an HttpTransport (docs/hydrovu.md, "HTTP
// protocol", with its errors and retries): OAuth2 client-credentials token, friendly names,
// the location list and paged location data.
//
// Every request is retried on HTTP 5xx, 429 (waiting `Retry-After` seconds when
// given), timeouts and connection errors, up to `retry_attempts` retries after
// `retry_base_ms` × 1, 2, 4… An API call answered 401 gets a new token and is
// repeated once. Secrets (client secret, Basic and Bearer headers, the access
// token) never reach a log line or an error message; logs show `***`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "hydrovu/config.h"
#include "hydrovu/response.h"
#include "net/http_client.h"

namespace pond::hydrovu {

// The run cannot go on: the token request was refused (400/401: `HydroVu
// authentication failed (HTTP 401)`), answered otherwise than 2xx, malformed, or
// kept failing through every retry. `where()` is empty: the caller names the node.
class HydroVuAuthError : public Error {
 public:
  using Error::Error;
};

class HydroVuClient {
 public:
  // `config` and `transport` must outlive the client.
  HydroVuClient(const HydroVuConfig& config, net::HttpTransport& transport,
                net::Sleeper sleep = net::RealSleep);

  // Gets a new access token. Throws HydroVuAuthError.
  void Authenticate();

  // The id → name maps. Throws Error (where `friendlynames`); HydroVuAuthError if
  // a token is needed and cannot be had.
  FriendlyNames GetFriendlyNames();

  // Every page of the location list. Throws like GetFriendlyNames (where `locations, page N`).
  std::vector<HydroVuLocation> ListLocations();

  // Called with each data page in order, numbered from 1; returns false to stop.
  using PageSink = std::function<bool(HydroVuDataPage&& page, int page_number)>;

  // Pages of `locations/{location_id}/data?startTime=<start_time>` until the last
  // page or until `on_page` returns false. Throws Error with where
  // `device <id>, page <n>` (HTTP 4xx, retries exhausted, a second 401, malformed
  // page, timestamps in milliseconds), HydroVuAuthError if no token can be had.
  void FetchData(int64_t location_id, int64_t start_time, const PageSink& on_page);

 private:
  // GET with the Bearer token; returns only 2xx responses.
  net::HttpResponse AuthorizedGet(const std::string& url, const net::HttpHeaders& headers,
                                  const std::string& where);
  // Sends `request`, retrying transient failures; returns the first other response.
  // Throws Error `<what> failed after N attempts: <last failure>`.
  net::HttpResponse SendWithRetry(const net::HttpRequest& request, const std::string& what,
                                  const std::string& where);

  const HydroVuConfig& config_;
  net::HttpTransport& transport_;
  net::Sleeper sleep_;
  std::string access_token_;  // empty until Authenticate()
};

}  // namespace pond::hydrovu
