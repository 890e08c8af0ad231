// The content-addressed blobs of a pond (docs/storage.md, "Layout"):
// blobs/ab/<sha256>[.parquet], immutable once renamed into place, shared by every
// version with the same bytes; blobs/tmp/ holds in-flight writes. Every write goes
// through the Disk seam in the order the crash guarantees rely on:
// temp file, fsync, hash, rename (or drop when the blob exists), fsync the directory.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/error.h"
#include "store/chunk_sums.h"
#include "store/disk.h"

namespace pond::store {

// Lowercase hex sha256 (OpenSSL EVP) of bytes, or of a host file's contents
// (streamed; throws pond::Error naming the file if it cannot be read).
std::string Sha256Hex(const std::string& bytes);
std::string Sha256OfFile(const std::string& path);

// A blob whose bytes are not the ones committed (or that is missing): its message
// names the blob and suggests `pond check`; `where` is empty, for the caller to fill
// with the pond path that reads it.
class BlobError : public Error {
 public:
  using Error::Error;
};

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
  // The same for a host file's bytes, copied in chunks (memory bounded); throws
  // `cannot read file (<host_path>)`.
  Stored PutHostFile(const std::string& host_path);
  // A fresh path under blobs/tmp/ (created if missing) for a writer such as DuckDB's
  // COPY to fill; then pass it to PutTempFile.
  std::string NewTempPath();
  // Moves a finished temp file into place under its hash, with `extension` (".parquet"
  // or ""). Fsyncs the file first, so the blob is durable before anything refers to it.
  // On failure the temp file is removed (best effort) and the error rethrown.
  Stored PutTempFile(const std::string& tmp_path, const std::string& extension);
  // The same for bytes that must be the blob `hash` (a download): other bytes throw
  // BlobError naming the blob, and the temp file is removed.
  Stored PutExpectedTempFile(const std::string& tmp_path, const std::string& hash,
                             const std::string& extension);
  // Best-effort removal of a temp file that will not become a blob.
  void DropTemp(const std::string& tmp_path) noexcept;

  // Host path of the blob `hash` with `extension`.
  std::string PathFor(const std::string& hash, const std::string& extension) const;

  // Verified reads (docs/storage.md, "Verified reads"): before a blob is first read in this
  // process its whole content is hashed and compared with its name; a mismatch or a
  // missing file throws BlobError. Later uses cost a set lookup. `POND_VERIFY=off` in
  // the environment skips the check, to salvage what a damaged blob still holds.
  // Thread-safe.
  std::string VerifiedPath(const std::string& hash, const std::string& extension) const;
  // The same for a Parquet blob with range checksums (`sums`, all of it; none: as
  // above): the frame and the chunks of `columns` not yet checked by this process are
  // compared with their checksums, and the file's size with the one committed.
  std::string VerifiedPath(const std::string& hash, const std::string& extension,
                           const std::vector<ChunkSum>& sums, const ReadColumns& columns) const;
  // The bytes of a raw blob, hashed in the same pass.
  std::string ReadVerified(const std::string& hash) const;
  // Verifies a raw blob, then hands its bytes to `sink` in chunks: memory stays
  // bounded whatever the blob's size.
  void StreamVerified(const std::string& hash,
                      const std::function<void(std::string_view)>& sink) const;
  std::string blobs_dir() const { return dir_ + "/blobs"; }
  std::string tmp_dir() const { return dir_ + "/blobs/tmp"; }

 private:
  // Both Put*TempFile: fsync, hash (compared with `expected` when given), then Place.
  Stored PutChecked(const std::string& tmp_path, const std::optional<std::string>& expected,
                    const std::string& extension);
  Stored Place(const std::string& tmp_path, const std::string& hash, int64_t size,
               const std::string& extension);
  [[noreturn]] void Fail(const std::string& hash, const std::string& extension,
                         const std::string& what) const;
  bool Verified(const std::string& hash, const std::string& extension) const;
  void MarkVerified(const std::string& hash, const std::string& extension) const;

  std::string dir_;
  Disk& disk_;
  mutable std::mutex verified_mu_;
  mutable std::unordered_set<std::string> verified_;  // hash + extension, checked by this process
};

}  // namespace pond::store
