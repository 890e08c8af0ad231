#include "collect/hydrovu_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

namespace pond::collect {

namespace {

// A repeated page token would loop forever; so would an endless list.
constexpr int kMaxPages = 100000;
constexpr std::chrono::milliseconds kMaxBackoff{300'000};

const char* MethodName(const HttpRequest& request) {
  return request.method == HttpRequest::Method::kGet ? "GET" : "POST";
}

// `Retry-After: <seconds>`; an HTTP-date or garbage falls back to the backoff.
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response) {
  std::optional<std::string> text = response.Header("Retry-After");
  if (!text) return std::nullopt;
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (ec != std::errc() || ptr != text->data() + text->size() || seconds < 0) return std::nullopt;
  return std::min<std::chrono::milliseconds>(
      std::chrono::seconds(std::min<int64_t>(seconds, 86400)), kMaxRetryAfter);
}

std::chrono::milliseconds Backoff(int base_ms, int attempt) {
  int64_t delay = static_cast<int64_t>(base_ms) << std::min(attempt, 30);
  return std::min<std::chrono::milliseconds>(std::chrono::milliseconds(delay), kMaxBackoff);
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace

void RealSleep(std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }

HydroVuClient::HydroVuClient(const HydroVuConfig& config, HttpTransport& transport, Sleeper sleep)
    : config_(config), transport_(transport), sleep_(std::move(sleep)) {}

void HydroVuClient::Authenticate() {
  const std::string where = "token";
  HttpRequest request = HttpRequest::FormPost(
      config_.base_url + "/oauth/token", {{"grant_type", "client_credentials"}},
      {{"Authorization", "Basic " + Base64Encode(config_.client_id + ":" + config_.client_secret)},
       {"Accept", "application/json"}});
  HttpResponse response;
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
  HttpResponse response = AuthorizedGet(config_.base_url + "/v1/sispec/friendlynames", {}, where);
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
    HttpHeaders headers;
    if (!page_token.empty()) headers.emplace_back("x-isi-start-page", page_token);
    HttpResponse response = AuthorizedGet(config_.base_url + "/v1/locations/list", headers, where);
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
    HttpHeaders headers;
    if (!page_token.empty()) headers.emplace_back("x-isi-start-page", page_token);
    HttpResponse response = AuthorizedGet(url, headers, where);
    std::string next = response.Header("x-isi-next-page").value_or("");
    if (!on_page(ParseDataPage(response.body, where), page) || next.empty()) return;
    if (next == page_token) throw Error("HydroVu paging did not advance", where);
    page_token = std::move(next);
  }
  throw Error("HydroVu data has more than " + std::to_string(kMaxPages) + " pages",
              "device " + std::to_string(location_id));
}

HttpResponse HydroVuClient::AuthorizedGet(const std::string& url, const HttpHeaders& headers,
                                          const std::string& where) {
  if (access_token_.empty()) Authenticate();
  for (bool refreshed = false;; refreshed = true) {
    HttpRequest request = HttpRequest::Get(url, headers);
    request.headers.emplace_back("Accept", "application/json");
    request.headers.emplace_back("Authorization", "Bearer " + access_token_);
    HttpResponse response = SendWithRetry(request, "HydroVu request", where);
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

HttpResponse HydroVuClient::SendWithRetry(const HttpRequest& request, const std::string& what,
                                          const std::string& where) {
  for (int attempt = 0;; ++attempt) {
    std::string failure;
    std::optional<std::chrono::milliseconds> retry_after;
    spdlog::debug("HydroVu: {} {} [{}]", MethodName(request), request.url,
                  RedactHeaders(request.headers));
    try {
      HttpResponse response = transport_.Send(request);
      spdlog::debug("HydroVu: HTTP {}, {} bytes{}", response.status, response.body.size(),
                    response.Header("x-isi-next-page").value_or("").empty() ? "" : ", more pages");
      if (response.status != 429 && response.status < 500) return response;
      failure = "HTTP " + std::to_string(response.status);
      if (response.status == 429) retry_after = RetryAfter(response);
    } catch (const TransportError& e) {
      if (!e.retryable()) throw Error(what + " failed: " + e.message(), where);
      failure = e.message();
    }
    if (attempt >= config_.retry_attempts) {
      throw Error(what + " failed after " + std::to_string(attempt + 1) +
                      (attempt == 0 ? " attempt: " : " attempts: ") + failure,
                  where);
    }
    std::chrono::milliseconds delay = retry_after.value_or(Backoff(config_.retry_base_ms, attempt));
    spdlog::warn("HydroVu: {} ({}); retry {} of {} in {} ms", failure, where, attempt + 1,
                 config_.retry_attempts, delay.count());
    sleep_(delay);
  }
}

}  // namespace pond::collect
