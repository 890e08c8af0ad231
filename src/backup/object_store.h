// Where a backup's objects live (docs/backup.md): an S3 bucket and prefix, or a host
// directory. Keys are relative to the backup's root: `latest`, `snapshots/12.json`,
// `blobs/ab/<sha256>[.parquet]`. An object is visible under its key only once it is
// whole (an S3 PUT or completed multipart upload; a rename in a directory), so a push
// killed at any moment leaves no torn object under a key it did not finish, except
// a partial object an S3 server may keep from a cut upload, which push replaces
// (sizes differ) and verify reports.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace pond::backup {

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Stores the host file's bytes under `key`, replacing any object there. `sha256` is
  // their hash: bytes that do not match it (a blob damaged in the pond) are refused
  // with an error naming `key`, and never stored.
  virtual void PutFile(const std::string& key, const std::string& host_path,
                       const std::string& sha256) = 0;
  virtual void PutBytes(const std::string& key, const std::string& bytes) = 0;
  // Writes the object's bytes into the host file `host_path`; false when there is no
  // such object.
  virtual bool GetFile(const std::string& key, const std::string& host_path) = 0;
  // The object's bytes (a small one); nullopt when there is none.
  virtual std::optional<std::string> GetBytes(const std::string& key) = 0;
  // Every key that starts with `prefix`, with its size in bytes.
  virtual std::map<std::string, int64_t> List(const std::string& prefix) = 0;
  // The URL the store was opened with (never credentials): the `where` of its errors.
  virtual const std::string& url() const = 0;
};

// Checks the syntax of a backup URL: `s3://BUCKET[/PREFIX]` or `file:///ABSOLUTE/DIR`;
// no credentials (`user:secret@`), no query. Throws pond::Error naming the URL.
void ValidateUrl(const std::string& url);

// Opens the store a backup URL names. For s3://, credentials and the endpoint come
// from the standard AWS environment only: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, AWS_REGION (default us-east-1), AWS_ENDPOINT_URL (a custom
// endpoint, addressed path-style). Requests are signed by libcurl (SigV4), retried
// with backoff on 5xx and timeouts, and files over 16 MiB go up in 8 MiB parts.
// Throws pond::Error for a bad URL or missing credentials; nothing is contacted yet.
std::unique_ptr<ObjectStore> OpenObjectStore(const std::string& url);

}  // namespace pond::backup
