// The content-addressed blobs of a pond (spec storage.md, "Layout"):
// blobs/ab/<sha256>[.parquet], immutable once renamed into place, shared by every
// version with the same bytes; blobs/tmp/ holds in-flight writes. Every write goes
// through the Disk seam in the order the crash guarantees rely on:
// temp file, fsync, hash, rename (or drop when the blob exists), fsync the directory.
#pragma once

#include <cstdint>
#include <string>

#include "store/disk.h"

namespace pond::store {

// Lowercase hex sha256 (OpenSSL EVP) of bytes, or of a host file's contents
// (streamed; throws pond::Error naming the file if it cannot be read).
std::string Sha256Hex(const std::string& bytes);
std::string Sha256OfFile(const std::string& path);

// A blob's path inside the pond: `blobs/ab/<hash><extension>`.
std::string BlobRelativePath(const std::string& hash, const std::string& extension);

class BlobStore {
 public:
  BlobStore(std::string pond_dir, Disk& disk) : dir_(std::move(pond_dir)), disk_(disk) {}

  struct Stored {
    std::string hash;      // sha256 hex
    std::string path;      // host path of the blob
    int64_t size = 0;      // bytes
    bool created = false;  // false when identical bytes were already stored
  };

  // Stores raw bytes (file:data versions, dynamic configs): no extension.
  Stored PutBytes(const std::string& bytes);
  // A fresh path under blobs/tmp/ (created if missing) for a writer such as DuckDB's
  // COPY to fill; then pass it to PutTempFile.
  std::string NewTempPath();
  // Moves a finished temp file into place under its hash, with `extension` (".parquet"
  // or ""). Fsyncs the file first, so the blob is durable before anything refers to it.
  // On failure the temp file is removed (best effort) and the error rethrown.
  Stored PutTempFile(const std::string& tmp_path, const std::string& extension);
  // Best-effort removal of a temp file that will not become a blob.
  void DropTemp(const std::string& tmp_path) noexcept;

  // Host path of the blob `hash` with `extension`.
  std::string PathFor(const std::string& hash, const std::string& extension) const;
  std::string blobs_dir() const { return dir_ + "/blobs"; }
  std::string tmp_dir() const { return dir_ + "/blobs/tmp"; }

 private:
  Stored Place(const std::string& tmp_path, const std::string& hash, int64_t size,
               const std::string& extension);
  std::string dir_;
  Disk& disk_;
};

}  // namespace pond::store
