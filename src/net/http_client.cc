#include "net/http_client.h"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <thread>
#include <utility>

#include "net/curl_library.h"

namespace pond::net {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The body as curl decodes it (gzip included), up to `max` bytes: past it the
// transfer is aborted, so a small compressed response cannot grow without bound.
// With a `file`, a 2xx body goes there instead, unbounded.
struct BodySink {
  std::string* body;
  int64_t max;
  CURL* curl = nullptr;
  const std::string* file_path = nullptr;
  FILE* file = nullptr;
  bool exceeded = false;
  bool file_failed = false;
  ~BodySink() {
    if (file != nullptr) std::fclose(file);
  }
};

bool IsSuccessStatus(CURL* curl) {
  long status = 0;
  Curl().curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->file_path != nullptr && IsSuccessStatus(sink->curl)) {
    if (sink->file == nullptr) sink->file = std::fopen(sink->file_path->c_str(), "wb");
    if (sink->file == nullptr || std::fwrite(data, size, count, sink->file) != count) {
      sink->file_failed = true;
      return 0;
    }
    return size * count;
  }
  if (static_cast<int64_t>(sink->body->size() + size * count) > sink->max) {
    sink->exceeded = true;
    return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, size * count);
  return size * count;
}

// Called once per header line, for every response curl sees (1xx, redirects):
// a status line starts a new response, so only the final one's headers remain.
size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

TransportError::Kind KindOf(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::Kind::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportError::Kind::kConnection;
    default:
      return TransportError::Kind::kOther;
  }
}

// Owns a curl_slist.
struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { Curl().curl_slist_free_all(list); }
  void Add(const std::string& line) {
    curl_slist* grown = Curl().curl_slist_append(list, line.c_str());
    if (grown == nullptr) throw Error("out of memory building HTTP headers");
    list = grown;
  }
};

}  // namespace

HttpRequest HttpRequest::Get(std::string url, HttpHeaders headers) {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = std::move(headers);
  return r;
}

HttpRequest HttpRequest::FormPost(std::string url, const HttpHeaders& fields, HttpHeaders headers) {
  HttpRequest r;
  r.method = Method::kPost;
  r.url = std::move(url);
  r.headers = std::move(headers);
  r.body = FormEncode(fields);
  r.content_type = "application/x-www-form-urlencoded";
  return r;
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

CurlTransport::CurlTransport(HttpTimeouts timeouts, int64_t max_body_bytes)
    : timeouts_(timeouts), max_body_bytes_(max_body_bytes) {
  curl_ = Curl().curl_easy_init();
  if (curl_ == nullptr) throw Error("cannot initialise libcurl");
}

CurlTransport::~CurlTransport() { Curl().curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse CurlTransport::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  Curl().curl_easy_reset(curl);  // keeps the connection cache, drops the last request's options

  using Method = HttpRequest::Method;
  const bool has_body = request.method == Method::kPost || request.method == Method::kPut;
  HttpResponse response;
  HeaderList header_list;
  for (const auto& [name, value] : request.headers) header_list.Add(name + ": " + value);
  if (has_body && !request.content_type.empty()) {
    header_list.Add("Content-Type: " + request.content_type);
  }
  // curl would wait for `100 Continue` before a large body; the servers we talk to
  // answer at once, so that wait is only a delay.
  if (has_body) header_list.Add("Expect:");
  char error_buffer[CURL_ERROR_SIZE] = {0};

  Curl().curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  Curl().curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  Curl().curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                          static_cast<long>(std::min(timeouts_.connect, timeouts_.total).count()));
  Curl().curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts_.total.count()));
  if (timeouts_.stall.count() > 0) {
    Curl().curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    Curl().curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                            static_cast<long>(timeouts_.stall.count()));
  }
  if (request.sigv4) {
    Curl().curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, request.sigv4->provider.c_str());
    Curl().curl_easy_setopt(curl, CURLOPT_USERNAME, request.sigv4->access_key_id.c_str());
    Curl().curl_easy_setopt(curl, CURLOPT_PASSWORD, request.sigv4->secret_access_key.c_str());
  }
  Curl().curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  Curl().curl_easy_setopt(curl, CURLOPT_USERAGENT, "duckpond-hydrovu/0.1");
  Curl().curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.list);
  Curl().curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  Curl().curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  BodySink sink{&response.body, max_body_bytes_, curl,
                request.response_file.empty() ? nullptr : &request.response_file};
  Curl().curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  Curl().curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  Curl().curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (has_body) {
    Curl().curl_easy_setopt(curl, CURLOPT_POST, 1L);
    Curl().curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                            static_cast<curl_off_t>(request.body.size()));
    Curl().curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == Method::kPut) Curl().curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
  if (request.method == Method::kDelete)
    Curl().curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  if (request.method == Method::kHead) Curl().curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);

  CURLcode code = Curl().curl_easy_perform(curl);
  if (sink.file != nullptr && std::fclose(std::exchange(sink.file, nullptr)) != 0)
    sink.file_failed = true;
  if (sink.file_failed)
    throw TransportError(TransportError::Kind::kOther, "cannot write file", request.response_file);
  if (sink.exceeded)
    throw TransportError(
        TransportError::Kind::kOther,
        fmt::format("HTTP response larger than max_response_mb ({} MiB) once decompressed",
                    max_body_bytes_ >> 20),
        request.url);
  if (code != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : Curl().curl_easy_strerror(code);
    throw TransportError(KindOf(code), "HTTP request failed: " + detail, request.url);
  }
  long status = 0;
  Curl().curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

namespace {

constexpr std::chrono::milliseconds kMaxBackoff{300'000};

const char* MethodName(const HttpRequest& request) {
  switch (request.method) {
    case HttpRequest::Method::kGet:
      return "GET";
    case HttpRequest::Method::kPost:
      return "POST";
    case HttpRequest::Method::kPut:
      return "PUT";
    case HttpRequest::Method::kHead:
      return "HEAD";
    case HttpRequest::Method::kDelete:
      return "DELETE";
  }
  return "?";
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

}  // namespace

void RealSleep(std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }

HttpResponse SendWithRetry(HttpTransport& transport, const HttpRequest& request,
                           const RetryPolicy& policy, const std::string& what,
                           const std::string& where) {
  for (int attempt = 0;; ++attempt) {
    std::string failure;
    std::optional<std::chrono::milliseconds> retry_after;
    spdlog::debug("{}: {} {} [{}]", policy.label, MethodName(request), request.url,
                  RedactHeaders(request.headers));
    try {
      HttpResponse response = transport.Send(request);
      spdlog::debug("{}: HTTP {}, {} bytes", policy.label, response.status, response.body.size());
      if (response.status != 429 && response.status < 500) return response;
      failure = "HTTP " + std::to_string(response.status);
      if (response.status == 429) retry_after = RetryAfter(response);
    } catch (const TransportError& e) {
      if (!e.retryable()) throw Error(what + " failed: " + e.message(), where);
      failure = e.message();
    }
    if (attempt >= policy.attempts) {
      throw Error(what + " failed after " + std::to_string(attempt + 1) +
                      (attempt == 0 ? " attempt: " : " attempts: ") + failure,
                  where);
    }
    std::chrono::milliseconds delay = retry_after.value_or(Backoff(policy.base_ms, attempt));
    spdlog::log(policy.warn_retries ? spdlog::level::warn : spdlog::level::info,
                "{}: {} ({}); retry {} of {} in {} ms", policy.label, failure, where, attempt + 1,
                policy.attempts, delay.count());
    policy.sleep(delay);
  }
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormEncode(const HttpHeaders& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(name) + "=" + UrlEncode(value);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (rest == 2) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string RedactHeaders(const HttpHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += ", ";
    const bool secret =
        EqualsIgnoreCase(name, "authorization") || EqualsIgnoreCase(name, "x-amz-security-token");
    out += name + ": " + (secret ? "***" : value);
  }
  return out;
}

}  // namespace pond::net
