#include "store/blob_store.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "store/crypto_library.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

struct FreeDigest {
  void operator()(EVP_MD_CTX* ctx) const { Crypto().EVP_MD_CTX_free(ctx); }
};
using DigestCtx = std::unique_ptr<EVP_MD_CTX, FreeDigest>;

DigestCtx NewSha256() {
  const CryptoLibrary& c = Crypto();
  DigestCtx ctx(c.EVP_MD_CTX_new());
  if (!ctx || c.EVP_DigestInit_ex(ctx.get(), c.EVP_sha256(), nullptr) != 1)
    throw Error("cannot initialise sha256");
  return ctx;
}

std::string FinishHex(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (Crypto().EVP_DigestFinal_ex(ctx, md, &len) != 1) throw Error("sha256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  if (bytes.size() <= kSmallSha256Bytes) return SmallSha256Hex(bytes);
  DigestCtx ctx = NewSha256();
  Crypto().EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return FinishHex(ctx.get());
}

namespace {

constexpr const char* kMissing = "is missing or unreadable";
constexpr const char* kDamaged = "is damaged: its bytes are not the ones committed";

bool VerifyDisabled() {
  static const bool off = [] {
    const char* v = std::getenv("POND_VERIFY");
    return v != nullptr && (std::string_view(v) == "off" || std::string_view(v) == "0");
  }();
  return off;
}

}  // namespace

std::string Sha256OfFile(const std::string& path) {
  // A small file is kept and hashed without libcrypto; past the limit, what was kept
  // and the rest go to libcrypto.
  std::string small;
  DigestCtx ctx;
  if (!ReadFileChunks(path, [&](std::string_view b) {
        if (!ctx && small.size() + b.size() <= kSmallSha256Bytes) {
          small += b;
          return;
        }
        if (!ctx) {
          ctx = NewSha256();
          Crypto().EVP_DigestUpdate(ctx.get(), small.data(), small.size());
        }
        Crypto().EVP_DigestUpdate(ctx.get(), b.data(), b.size());
      }))
    throw Error("cannot read file", path);
  return ctx ? FinishHex(ctx.get()) : SmallSha256Hex(small);
}

std::string BlobRelativePath(const std::string& hash, const std::string& extension) {
  return "blobs/" + hash.substr(0, 2) + "/" + hash + extension;
}

std::string BlobStore::PathFor(const std::string& hash, const std::string& extension) const {
  return dir_ + "/" + BlobRelativePath(hash, extension);
}

void BlobStore::Fail(const std::string& hash, const std::string& extension,
                     const std::string& what) const {
  throw BlobError("blob " + BlobRelativePath(hash, extension) + " " + what + "; run 'pond check'");
}

// Keyed by file, not hash: the same bytes may be stored as a raw and a .parquet blob.
bool BlobStore::Verified(const std::string& hash, const std::string& extension) const {
  if (VerifyDisabled()) return true;
  std::lock_guard lock(verified_mu_);
  return verified_.contains(hash + extension);
}

void BlobStore::MarkVerified(const std::string& hash, const std::string& extension) const {
  std::lock_guard lock(verified_mu_);
  verified_.insert(hash + extension);
}

std::string BlobStore::VerifiedPath(const std::string& hash, const std::string& extension) const {
  std::string path = PathFor(hash, extension);
  if (Verified(hash, extension)) return path;
  std::string actual;
  try {
    actual = Sha256OfFile(path);
  } catch (const Error&) {
    Fail(hash, extension, kMissing);
  }
  if (actual != hash) Fail(hash, extension, kDamaged);
  MarkVerified(hash, extension);
  return path;
}

std::string BlobStore::VerifiedPath(const std::string& hash, const std::string& extension,
                                    const std::vector<ChunkSum>& sums,
                                    const ReadColumns& columns) const {
  if (sums.empty()) return VerifiedPath(hash, extension);
  std::string path = PathFor(hash, extension);
  if (Verified(hash, extension)) return path;
  // A range once checked is keyed by its start: another query of this process that
  // reads more columns checks only the chunks it adds.
  auto key = [&](const ChunkSum& c) { return hash + extension + "@" + std::to_string(c.start); };
  std::vector<const ChunkSum*> todo;
  {
    std::lock_guard lock(verified_mu_);
    for (const auto& c : sums)
      if ((c.column.empty() || !columns || columns->contains(c.column)) &&
          !verified_.contains(key(c)))
        todo.push_back(&c);
  }
  if (todo.empty()) return path;
  const ChunkSum& last = sums.back();
  const auto started = std::chrono::steady_clock::now();
  const std::optional<bool> match = RangesMatch(path, last.start + last.length, todo);
  int64_t bytes = 0;
  for (const ChunkSum* c : todo) bytes += c->length;
  spdlog::debug("verified {} of {} ranges ({} bytes) of {} in {} us", todo.size(), sums.size(),
                bytes, BlobRelativePath(hash, extension),
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  if (!match) Fail(hash, extension, kMissing);
  if (!*match) Fail(hash, extension, kDamaged);
  std::lock_guard lock(verified_mu_);
  for (const ChunkSum* c : todo) verified_.insert(key(*c));
  if (!columns) verified_.insert(hash + extension);
  return path;
}

std::string BlobStore::ReadVerified(const std::string& hash) const {
  std::string bytes;
  if (!ReadFileChunks(PathFor(hash, ""), [&](std::string_view b) { bytes.append(b); }))
    Fail(hash, "", kMissing);
  if (!Verified(hash, "")) {
    if (Sha256Hex(bytes) != hash) Fail(hash, "", kDamaged);
    MarkVerified(hash, "");
  }
  return bytes;
}

void BlobStore::StreamVerified(const std::string& hash,
                               const std::function<void(std::string_view)>& sink) const {
  const std::string path = VerifiedPath(hash, "");
  if (!ReadFileChunks(path, sink)) Fail(hash, "", kMissing);
}

std::string BlobStore::NewTempPath() {
  disk_.MakeDirs(tmp_dir());
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (;;) {
    std::string name;
    for (int i = 0; i < 12; ++i) name += alphabet[rng() % 36];
    std::string path = tmp_dir() + "/" + name;
    if (!fs::exists(path)) return path;
  }
}

void BlobStore::DropTemp(const std::string& tmp_path) noexcept {
  try {
    disk_.Remove(tmp_path);
  } catch (const std::exception&) {
    // Best effort: `pond check` reports what is left in blobs/tmp/.
  }
}

BlobStore::Stored BlobStore::PutBytes(const std::string& bytes) {
  std::string tmp = NewTempPath();
  try {
    disk_.WriteFile(tmp, bytes);
    disk_.Fsync(tmp);
    return Place(tmp, Sha256Hex(bytes), static_cast<int64_t>(bytes.size()), "");
  } catch (...) {
    DropTemp(tmp);
    throw;
  }
}

BlobStore::Stored BlobStore::PutHostFile(const std::string& host_path) {
  std::string tmp = NewTempPath();
  try {
    FileWriter out(tmp);
    if (!ReadFileChunks(host_path, [&](std::string_view chunk) { out.Write(chunk); }))
      throw Error("cannot read file", host_path);
    out.Close();
  } catch (...) {
    DropTemp(tmp);
    throw;
  }
  return PutTempFile(tmp, "");
}

BlobStore::Stored BlobStore::PutTempFile(const std::string& tmp_path,
                                         const std::string& extension) {
  return PutChecked(tmp_path, std::nullopt, extension);
}

BlobStore::Stored BlobStore::PutExpectedTempFile(const std::string& tmp_path,
                                                 const std::string& hash,
                                                 const std::string& extension) {
  return PutChecked(tmp_path, hash, extension);
}

BlobStore::Stored BlobStore::PutChecked(const std::string& tmp_path,
                                        const std::optional<std::string>& expected,
                                        const std::string& extension) {
  try {
    disk_.Fsync(tmp_path);
    std::error_code ec;
    auto size = fs::file_size(tmp_path, ec);
    if (ec) throw Error("cannot stat: " + ec.message(), tmp_path);
    const std::string actual = Sha256OfFile(tmp_path);
    if (expected && actual != *expected)
      throw BlobError("blob " + BlobRelativePath(*expected, extension) +
                      " arrived with other bytes (sha256 " + actual + ")");
    return Place(tmp_path, actual, static_cast<int64_t>(size), extension);
  } catch (...) {
    DropTemp(tmp_path);
    throw;
  }
}

BlobStore::Stored BlobStore::Place(const std::string& tmp_path, const std::string& hash,
                                   int64_t size, const std::string& extension) {
  Stored s{hash, PathFor(hash, extension), size, false};
  std::string subdir = dir_ + "/blobs/" + hash.substr(0, 2);
  disk_.MakeDirs(subdir);
  std::error_code ec;
  // Same name means same bytes; a size mismatch means a damaged copy, which the
  // fresh bytes replace (it never counts as ours to delete on rollback).
  bool exists = fs::exists(s.path, ec);
  if (exists && static_cast<int64_t>(fs::file_size(s.path, ec)) == size && !ec) {
    disk_.Remove(tmp_path);
  } else {
    disk_.Rename(tmp_path, s.path);
    s.created = !exists;
  }
  try {
    disk_.Fsync(subdir);
  } catch (...) {
    if (s.created) DropTemp(s.path);  // nobody refers to it yet
    throw;
  }
  return s;
}

}  // namespace pond::store
