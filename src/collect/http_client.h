// A small HTTP client for the HydroVu collector. `HttpTransport` is the one seam
// between the protocol logic and the network: production uses `CurlTransport`
// (libcurl), tests may substitute a scripted transport.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace pond::collect {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  enum class Method { kGet, kPost };

  Method method = Method::kGet;
  std::string url;
  HttpHeaders headers;       // sent as given; never logged unredacted (see RedactHeaders)
  std::string body;          // POST only
  std::string content_type;  // POST only, e.g. application/x-www-form-urlencoded

  static HttpRequest Get(std::string url, HttpHeaders headers = {});
  // A form POST: `fields` are url-encoded into the body.
  static HttpRequest FormPost(std::string url, const HttpHeaders& fields, HttpHeaders headers = {});
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // of the final response, in arrival order
  std::string body;

  // The first header named `name` (ASCII case-insensitive); nullopt if absent.
  std::optional<std::string> Header(std::string_view name) const;
};

// The request never got an HTTP response: timeout, refused or dropped connection,
// DNS failure, TLS failure. `retryable()` is true for timeouts and connection
// failures, false for errors a retry cannot fix (malformed URL, bad protocol).
class TransportError : public Error {
 public:
  enum class Kind { kTimeout, kConnection, kOther };
  TransportError(Kind kind, std::string message, std::string where = "")
      : Error(std::move(message), std::move(where)), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool retryable() const { return kind_ != Kind::kOther; }

 private:
  Kind kind_;
};

// Sends one request and returns the response, whatever its HTTP status.
// Throws TransportError when no response arrived.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse Send(const HttpRequest& request) = 0;
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds total{30'000};  // whole request, connect included
};

// libcurl behind HttpTransport. Owns one easy handle (so connections are reused
// between requests); not thread-safe, use one per thread. Only http and https.
// A response body larger than `max_body_bytes` once decompressed fails the request
// (a TransportError that is not retried): memory stays bounded by it.
class CurlTransport : public HttpTransport {
 public:
  static constexpr int64_t kDefaultMaxBodyBytes = int64_t{64} << 20;
  explicit CurlTransport(HttpTimeouts timeouts, int64_t max_body_bytes = kDefaultMaxBodyBytes);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse Send(const HttpRequest& request) override;

 private:
  HttpTimeouts timeouts_;
  int64_t max_body_bytes_;
  void* curl_;  // CURL*, kept opaque so this header does not pull in curl.h
};

// `a=1&b=x%20y`: application/x-www-form-urlencoded (RFC 3986 unreserved kept).
std::string FormEncode(const HttpHeaders& fields);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);
std::string Base64Encode(std::string_view bytes);
// `Name: value, …` for logs, with Authorization (any case) shown as `***`.
std::string RedactHeaders(const HttpHeaders& headers);

}  // namespace pond::collect
