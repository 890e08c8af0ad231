// A small HTTP client for the HydroVu collector and the S3 backups. `HttpTransport`
// is the one seam between the protocol logic and the network: production uses
// `CurlTransport` (libcurl), tests may substitute a scripted transport.
// `SendWithRetry` is the one retry policy both use.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace pond::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// AWS Signature Version 4, computed by libcurl itself (CURLOPT_AWS_SIGV4, 7.75+).
// It signs the `x-amz-content-sha256` header the request carries (curl 7.87+).
struct AwsSigV4 {
  std::string provider;  // CURLOPT_AWS_SIGV4's parameter, e.g. "aws:amz:us-east-1:s3"
  std::string access_key_id;
  std::string secret_access_key;  // never logged, never in an error message
};

struct HttpRequest {
  enum class Method { kGet, kPost, kPut, kHead, kDelete };

  Method method = Method::kGet;
  std::string url;
  HttpHeaders headers;       // sent as given; never logged unredacted (see RedactHeaders)
  std::string body;          // POST and PUT
  std::string content_type;  // POST and PUT, e.g. application/x-www-form-urlencoded
  std::optional<AwsSigV4> sigv4;
  // When set, a 2xx response's body streams into this host file (created/truncated)
  // instead of `body`, whatever its size; other responses still fill `body`.
  std::string response_file;

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
  std::chrono::milliseconds total{30'000};  // whole request, connect included; 0: none
  // A transfer slower than 1 byte/s for this long fails as a timeout (0: never), for
  // requests whose total time grows with their size.
  std::chrono::seconds stall{0};
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

// How SendWithRetry waits between attempts; tests pass one that records the delays.
using Sleeper = std::function<void(std::chrono::milliseconds)>;
void RealSleep(std::chrono::milliseconds delay);

// Longest wait honoured from a `Retry-After` header.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{120'000};

struct RetryPolicy {
  int attempts = 3;    // retries after the first try
  int base_ms = 1000;  // waits base_ms × 1, 2, 4… (at most 5 minutes)
  Sleeper sleep = RealSleep;
  std::string label;  // log prefix, e.g. "HydroVu"
  // Each retry is logged at warn (shown by default), or at info where only the final
  // failure should reach the user: one line, as a cron job's mail wants it.
  bool warn_retries = true;
};

// Sends `request`, retrying on HTTP 5xx, 429 (waiting `Retry-After` seconds when
// given), timeouts and connection failures; returns the first other response (any
// status). Throws Error `<what> failed after N attempts: <last failure>` (where
// `where`) once the retries are spent, or `<what> failed: …` for a transport error a
// retry cannot fix. Logs each request at debug level with RedactHeaders.
HttpResponse SendWithRetry(HttpTransport& transport, const HttpRequest& request,
                           const RetryPolicy& policy, const std::string& what,
                           const std::string& where);

// `a=1&b=x%20y`: application/x-www-form-urlencoded (RFC 3986 unreserved kept).
std::string FormEncode(const HttpHeaders& fields);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);
std::string Base64Encode(std::string_view bytes);
// `Name: value, …` for logs, with Authorization and X-Amz-Security-Token (any case)
// shown as `***`.
std::string RedactHeaders(const HttpHeaders& headers);

}  // namespace pond::net
