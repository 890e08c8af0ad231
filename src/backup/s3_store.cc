// The S3 ObjectStore: libcurl signs every request (CURLOPT_AWS_SIGV4) and carries the
// payload's sha256 in x-amz-content-sha256, which S3 checks against the bytes.
// curl before 8.1 signs the query string as given, so every query here is written in
// canonical order (sorted names, RFC 3986 encoding, `name=` for an empty value).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "backup/stores.h"
#include "base/error.h"
#include "net/http_client.h"
#include "store/blob_store.h"

namespace pond::backup {

namespace {

namespace fs = std::filesystem;
using net::HttpRequest;
using net::HttpResponse;
using Method = HttpRequest::Method;

constexpr int64_t kMultipartThreshold = int64_t{16} << 20;
constexpr int64_t kPartSize = int64_t{8} << 20;
constexpr int kMaxParts = 10000;  // S3's limit
// sha256 of no bytes: the payload hash of GET, HEAD and DELETE.
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// Every path segment encoded, the slashes kept (S3's canonical URI).
std::string EncodeKey(const std::string& key) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t slash = key.find('/', start);
    out += net::UrlEncode(key.substr(start, slash - start));
    if (slash == std::string::npos) return out;
    out += '/';
    start = slash + 1;
  }
}

// The text of the first <tag>…</tag> in `xml`, entities decoded; "" when absent.
std::string XmlText(const std::string& xml, const std::string& tag, size_t from = 0,
                    size_t* end = nullptr) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t a = xml.find(open, from);
  if (a == std::string::npos) return "";
  const size_t b = xml.find(close, a);
  if (b == std::string::npos) return "";
  if (end != nullptr) *end = b + close.size();
  std::string raw = xml.substr(a + open.size(), b - a - open.size()), out;
  static const std::pair<const char*, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (size_t i = 0; i < raw.size();) {
    bool decoded = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.compare(i, std::strlen(entity), entity) == 0) {
        out += c;
        i += std::strlen(entity);
        decoded = true;
        break;
      }
    }
    if (!decoded) out += raw[i++];
  }
  return out;
}

class S3Store : public ObjectStore {
 public:
  S3Store(std::string url, std::string bucket, std::string prefix)
      : url_(std::move(url)),
        bucket_(std::move(bucket)),
        prefix_(std::move(prefix)),
        transport_(net::HttpTimeouts{std::chrono::milliseconds(10'000),
                                     std::chrono::milliseconds(0), std::chrono::seconds(60)}) {
    sigv4_.access_key_id = Env("AWS_ACCESS_KEY_ID");
    sigv4_.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
    if (sigv4_.access_key_id.empty() || sigv4_.secret_access_key.empty())
      throw Error("s3 backups need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment",
                  url_);
    session_token_ = Env("AWS_SESSION_TOKEN");
    std::string region = Env("AWS_REGION");
    if (region.empty()) region = "us-east-1";
    sigv4_.provider = "aws:amz:" + region + ":s3";
    // Keys per listing page: S3's own maximum, smaller only for the tests of paging.
    if (const std::string page = Env("POND_S3_LIST_PAGE"); !page.empty())
      list_page_ = std::clamp(std::atoi(page.c_str()), 1, 1000);
    std::string endpoint = Env("AWS_ENDPOINT_URL");
    while (endpoint.ends_with("/")) endpoint.pop_back();
    // A custom endpoint (MinIO, R2, s3rver…) is addressed path-style; AWS itself
    // virtual-hosted, as it prefers.
    bucket_url_ = endpoint.empty() ? "https://" + bucket_ + ".s3." + region + ".amazonaws.com"
                                   : endpoint + "/" + net::UrlEncode(bucket_);
  }

  void PutFile(const std::string& key, const std::string& host_path,
               const std::string& sha256) override {
    std::error_code ec;
    const auto size = static_cast<int64_t>(fs::file_size(host_path, ec));
    if (ec) throw Error("cannot read file", host_path);
    if (size <= kMultipartThreshold) {
      std::string bytes = ReadRange(host_path, 0, size);
      // The request says which bytes it means; S3 refuses others, and so do we.
      if (store::Sha256Hex(bytes) != sha256)
        throw Error("bytes of " + key + " do not match their sha256; run 'pond check'", host_path);
      Put(key, bytes, sha256);
      return;
    }
    if (store::Sha256OfFile(host_path) != sha256)
      throw Error("bytes of " + key + " do not match their sha256; run 'pond check'", host_path);
    PutMultipart(key, host_path, size);
  }

  void PutBytes(const std::string& key, const std::string& bytes) override {
    Put(key, bytes, store::Sha256Hex(bytes));
  }

  bool GetFile(const std::string& key, const std::string& host_path) override {
    HttpRequest r = Request(Method::kGet, ObjectUrl(key), kEmptySha256);
    r.response_file = host_path;
    HttpResponse res = Send(r, "GET " + key);
    if (res.status == 404 && XmlText(res.body, "Code") != "NoSuchBucket") return false;
    Check(res, "GET " + key);
    // A zero-byte object never called the body sink: the file must exist all the same.
    if (!fs::exists(host_path)) std::ofstream(host_path, std::ios::binary);
    return true;
  }

  std::optional<std::string> GetBytes(const std::string& key) override {
    HttpResponse res = Send(Request(Method::kGet, ObjectUrl(key), kEmptySha256), "GET " + key);
    if (res.status == 404 && XmlText(res.body, "Code") != "NoSuchBucket") return std::nullopt;
    Check(res, "GET " + key);
    return res.body;
  }

  std::map<std::string, int64_t> List(const std::string& prefix) override {
    std::map<std::string, int64_t> out;
    std::string token;
    for (int page = 0;; ++page) {
      std::string query;
      if (!token.empty()) query += "continuation-token=" + net::UrlEncode(token) + "&";
      query += "list-type=2&max-keys=" + std::to_string(list_page_) +
               "&prefix=" + net::UrlEncode(prefix_ + prefix);
      HttpResponse res =
          Send(Request(Method::kGet, bucket_url_ + "/?" + query, kEmptySha256), "LIST " + prefix);
      Check(res, "LIST " + prefix);
      size_t pos = 0, end = 0;
      for (std::string item; !(item = XmlText(res.body, "Contents", pos, &end)).empty();
           pos = end) {
        // <Contents> holds tags, so its text is raw XML again.
        std::string key = XmlText(item, "Key");
        if (key.starts_with(prefix_))
          out[key.substr(prefix_.size())] = std::stoll(XmlText(item, "Size"));
      }
      token = XmlText(res.body, "NextContinuationToken");
      if (XmlText(res.body, "IsTruncated") != "true" || token.empty()) break;
      spdlog::debug("S3: listing {}, page {}", prefix, page + 2);
    }
    return out;
  }

  const std::string& url() const override { return url_; }

 private:
  std::string ObjectUrl(const std::string& key) const {
    return bucket_url_ + "/" + EncodeKey(prefix_ + key);
  }

  HttpRequest Request(Method method, std::string url, const std::string& payload_sha256) const {
    HttpRequest r;
    r.method = method;
    r.url = std::move(url);
    r.sigv4 = sigv4_;
    r.headers.emplace_back("x-amz-content-sha256", payload_sha256);
    if (!session_token_.empty()) r.headers.emplace_back("x-amz-security-token", session_token_);
    return r;
  }

  HttpResponse Send(const HttpRequest& r, const std::string& what) {
    // Retries at info level: a failed push is one line (POND_LOG=info shows each retry).
    return net::SendWithRetry(transport_, r, {4, 250, net::RealSleep, "S3", false}, "S3 " + what,
                              url_);
  }

  // Non-2xx: one line with S3's own error code and message.
  void Check(const HttpResponse& res, const std::string& what) const {
    if (res.status >= 200 && res.status < 300) return;
    const std::string code = XmlText(res.body, "Code");
    if (code == "NoSuchBucket") throw Error("no such bucket '" + bucket_ + "'", url_);
    if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "AccessDenied")
      throw Error(fmt::format("S3 {} refused: {} (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
                              "AWS_REGION)",
                              what, code),
                  url_);
    const std::string message = XmlText(res.body, "Message");
    throw Error(fmt::format("S3 {} failed: HTTP {}{}{}", what, res.status,
                            code.empty() ? "" : " " + code, message.empty() ? "" : ": " + message),
                url_);
  }

  void Put(const std::string& key, const std::string& bytes, const std::string& sha256) {
    HttpRequest r = Request(Method::kPut, ObjectUrl(key), sha256);
    r.body = bytes;
    r.content_type = "application/octet-stream";
    Check(Send(r, "PUT " + key), "PUT " + key);
  }

  static std::string ReadRange(const std::string& path, int64_t offset, int64_t size) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<size_t>(size), '\0');
    if (!in.seekg(offset) || !in.read(bytes.data(), size)) throw Error("cannot read file", path);
    return bytes;
  }

  // Parts of kPartSize (more for a file past kMaxParts of them), each signed with its
  // own sha256; the object appears only at CompleteMultipartUpload. A failure aborts
  // the upload, so the bucket keeps no orphan parts.
  void PutMultipart(const std::string& key, const std::string& host_path, int64_t size) {
    const std::string what = "multipart PUT " + key;
    HttpRequest start = Request(Method::kPost, ObjectUrl(key) + "?uploads=", kEmptySha256);
    start.content_type = "application/octet-stream";
    HttpResponse started = Send(start, what);
    Check(started, what);
    const std::string upload_id = XmlText(started.body, "UploadId");
    if (upload_id.empty()) throw Error("S3 " + what + ": no UploadId in the answer", url_);
    const std::string upload = "uploadId=" + net::UrlEncode(upload_id);
    try {
      const int64_t part_size = std::max(kPartSize, (size + kMaxParts - 1) / kMaxParts);
      std::string complete = "<CompleteMultipartUpload>";
      for (int64_t offset = 0, n = 1; offset < size; offset += part_size, ++n) {
        std::string part = ReadRange(host_path, offset, std::min(part_size, size - offset));
        HttpRequest r = Request(Method::kPut,
                                ObjectUrl(key) + "?partNumber=" + std::to_string(n) + "&" + upload,
                                store::Sha256Hex(part));
        r.body = std::move(part);
        r.content_type = "application/octet-stream";
        HttpResponse res = Send(r, what);
        Check(res, what);
        const std::string etag = res.Header("ETag").value_or("");
        if (etag.empty())
          throw Error("S3 " + what + ": no ETag for part " + std::to_string(n), url_);
        complete += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", n, etag);
      }
      complete += "</CompleteMultipartUpload>";
      HttpRequest done =
          Request(Method::kPost, ObjectUrl(key) + "?" + upload, store::Sha256Hex(complete));
      done.body = complete;
      done.content_type = "application/xml";
      HttpResponse res = Send(done, what);
      Check(res, what);
      // S3 may answer 200 and still fail the completion in the body.
      if (res.body.find("<Error>") != std::string::npos)
        throw Error("S3 " + what + " failed: " + XmlText(res.body, "Code"), url_);
    } catch (...) {
      try {
        transport_.Send(Request(Method::kDelete, ObjectUrl(key) + "?" + upload, kEmptySha256));
      } catch (const std::exception&) {
        // Best effort: the bucket's lifecycle rules clean up what an abort could not.
      }
      throw;
    }
  }

  std::string url_, bucket_, prefix_, bucket_url_, session_token_;
  int list_page_ = 1000;
  net::AwsSigV4 sigv4_;
  net::CurlTransport transport_;
};

}  // namespace

std::unique_ptr<ObjectStore> OpenS3Store(const std::string& url, const std::string& bucket,
                                         const std::string& prefix) {
  return std::make_unique<S3Store>(url, bucket, prefix);
}

}  // namespace pond::backup
