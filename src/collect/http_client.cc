#include "collect/http_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "collect/curl_library.h"

namespace pond::collect {

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
struct BodySink {
  std::string* body;
  int64_t max;
  bool exceeded = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
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

  HttpResponse response;
  HeaderList header_list;
  for (const auto& [name, value] : request.headers) header_list.Add(name + ": " + value);
  if (request.method == HttpRequest::Method::kPost && !request.content_type.empty()) {
    header_list.Add("Content-Type: " + request.content_type);
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};

  Curl().curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  Curl().curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  Curl().curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(timeouts_.connect, timeouts_.total).count()));
  Curl().curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts_.total.count()));
  Curl().curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  Curl().curl_easy_setopt(curl, CURLOPT_USERAGENT, "duckpond-hydrovu/0.1");
  Curl().curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.list);
  Curl().curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  Curl().curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  BodySink sink{&response.body, max_body_bytes_};
  Curl().curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  Curl().curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  Curl().curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == HttpRequest::Method::kPost) {
    Curl().curl_easy_setopt(curl, CURLOPT_POST, 1L);
    Curl().curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    Curl().curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
  }

  CURLcode code = Curl().curl_easy_perform(curl);
  if (sink.exceeded)
    throw TransportError(TransportError::Kind::kOther,
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
    out += name + ": " + (EqualsIgnoreCase(name, "authorization") ? "***" : value);
  }
  return out;
}

}  // namespace pond::collect
