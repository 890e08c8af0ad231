#include "hydrovu/client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

namespace pond::hydrovu {

namespace {

// A repeated page token would loop forever; so would an endless list.
constexpr int kMaxPages = 100000;
bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace

HydroVuClient::HydroVuClient(const HydroVuConfig& config, net::HttpTransport& transport,
                             net::Sleeper sleep)
    : config_(config), transport_(transport), sleep_(std::move(sleep)) {}

void HydroVuClient::Authenticate() {
  const std::string where = "token";
  net::HttpRequest request = net::HttpRequest::FormPost(
      config_.base_url + "/oauth/token", {{"grant_type", "client_credentials"}},
      {{"Authorization",
        "Basic " + net::Base64Encode(config_.client_id + ":" + config_.client_secret)},
       {"Accept", "application/json"}});
  net::HttpResponse response;
  try {
    response = SendWithRetry(request, "HydroVu token request", where);
  } catch (const Error& e) {
    throw HydroVuAuthError(e.message());
  }
  if (response.status == 400 || response.status == 401) {
    throw HydroVuAuthError("HydroVu authentication failed (HTTP " +
                           std::to_string(response.status) + ")");
  }
  if (!IsSuccess(response.status)) {
    throw HydroVuAuthError("HydroVu token request failed (HTTP " + std::to_string(response.status) +
                           ")");
  }
  HydroVuToken token;
  try {
    token = ParseToken(response.body, where);
  } catch (const Error& e) {
    throw HydroVuAuthError(e.message() + " (token)");
  }
  access_token_ = std::move(token.access_token);
  spdlog::debug("HydroVu: got access token *** (expires in {} s)", token.expires_in);
}

FriendlyNames HydroVuClient::GetFriendlyNames() {
  const std::string where = "friendlynames";
  net::HttpResponse response =
      AuthorizedGet(config_.base_url + "/v1/sispec/friendlynames", {}, where);
  FriendlyNames names = ParseFriendlyNames(response.body, where);
  spdlog::debug("HydroVu: {} parameter names, {} unit names", names.parameters.size(),
                names.units.size());
  return names;
}

std::vector<HydroVuLocation> HydroVuClient::ListLocations() {
  std::vector<HydroVuLocation> locations;
  std::string page_token;
  for (int page = 1; page <= kMaxPages; ++page) {
    const std::string where = "locations, page " + std::to_string(page);
    net::HttpHeaders headers;
    if (!page_token.empty()) headers.emplace_back("x-isi-start-page", page_token);
    net::HttpResponse response =
        AuthorizedGet(config_.base_url + "/v1/locations/list", headers, where);
    for (auto& location : ParseLocations(response.body, where)) {
      locations.push_back(std::move(location));
    }
    std::string next = response.Header("x-isi-next-page").value_or("");
    if (next.empty()) return locations;
    if (next == page_token) throw Error("HydroVu paging did not advance", where);
    page_token = std::move(next);
  }
  throw Error("HydroVu location list has more than " + std::to_string(kMaxPages) + " pages",
              "locations");
}

void HydroVuClient::FetchData(int64_t location_id, int64_t start_time, const PageSink& on_page) {
  const std::string url = config_.base_url + "/v1/locations/" + std::to_string(location_id) +
                          "/data?startTime=" + std::to_string(start_time);
  std::string page_token;
  for (int page = 1; page <= kMaxPages; ++page) {
    const std::string where =
        "device " + std::to_string(location_id) + ", page " + std::to_string(page);
    net::HttpHeaders headers;
    if (!page_token.empty()) headers.emplace_back("x-isi-start-page", page_token);
    net::HttpResponse response = AuthorizedGet(url, headers, where);
    std::string next = response.Header("x-isi-next-page").value_or("");
    if (!on_page(ParseDataPage(response.body, where), page) || next.empty()) return;
    if (next == page_token) throw Error("HydroVu paging did not advance", where);
    page_token = std::move(next);
  }
  throw Error("HydroVu data has more than " + std::to_string(kMaxPages) + " pages",
              "device " + std::to_string(location_id));
}

net::HttpResponse HydroVuClient::AuthorizedGet(const std::string& url,
                                               const net::HttpHeaders& headers,
                                               const std::string& where) {
  if (access_token_.empty()) Authenticate();
  for (bool refreshed = false;; refreshed = true) {
    net::HttpRequest request = net::HttpRequest::Get(url, headers);
    request.headers.emplace_back("Accept", "application/json");
    request.headers.emplace_back("Authorization", "Bearer " + access_token_);
    net::HttpResponse response = SendWithRetry(request, "HydroVu request", where);
    if (response.status == 401 && !refreshed) {
      spdlog::debug("HydroVu: HTTP 401 ({}): getting a new token", where);
      Authenticate();
      continue;
    }
    if (response.status == 401) {
      throw Error("HydroVu rejected a fresh access token (HTTP 401)", where);
    }
    if (!IsSuccess(response.status)) {
      throw Error("HydroVu request failed (HTTP " + std::to_string(response.status) + ")", where);
    }
    return response;
  }
}

net::HttpResponse HydroVuClient::SendWithRetry(const net::HttpRequest& request,
                                               const std::string& what, const std::string& where) {
  return net::SendWithRetry(transport_, request,
                            {config_.retry_attempts, config_.retry_base_ms, sleep_, "HydroVu"},
                            what, where);
}

}  // namespace pond::hydrovu
