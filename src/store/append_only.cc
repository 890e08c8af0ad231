#include "store/append_only.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "base/blake3.h"
#include "base/error.h"
#include "base/host_file.h"

namespace pond::store {

namespace {

// Hashes the first before.size bytes of `file` into `hash` and compares.
void CheckPrefix(HostFileReader& file, Blake3& hash, const LogState& before,
                 const std::string& host_path, const std::string& pond_path) {
  const int64_t read = file.Read(before.size, [&](std::string_view b) { hash.Update(b); });
  if (read < before.size)
    throw PrefixMismatchError(fmt::format("host file has {} bytes, fewer than the {} of {}", read,
                                          before.size, pond_path),
                              host_path);
  if (hash.HexDigest() != before.blake3)
    throw PrefixMismatchError(
        fmt::format("the first {} bytes are not the ones {} holds (BLAKE3 differs)", before.size,
                    pond_path),
        host_path);
}

// Writes what `produce` hands out into a new raw blob, through `disk`.
BlobStore::Stored StoreStream(
    BlobStore& blobs, Disk& disk,
    const std::function<void(const std::function<void(std::string_view)>&)>& produce) {
  const std::string tmp = blobs.NewTempPath();
  try {
    disk.ExternalWrite(tmp, [&] {
      FileWriter out(tmp);
      produce([&](std::string_view b) { out.Write(b); });
      out.Close();
    });
  } catch (...) {
    blobs.DropTemp(tmp);
    throw;
  }
  return blobs.PutTempFile(tmp, "");
}

}  // namespace

LogState EmptyLogState() { return {0, Blake3Hex("")}; }

StoredAppend StoreAppend(BlobStore& blobs, Disk& disk, const std::string& host_path,
                         const LogState& before, int64_t host_size, const std::string& pond_path) {
  HostFileReader file(host_path);
  Blake3 hash;
  CheckPrefix(file, hash, before, host_path, pond_path);
  const int64_t added = host_size - before.size;
  BlobStore::Stored blob = StoreStream(blobs, disk, [&](const auto& write) {
    const int64_t read = file.Read(added, [&](std::string_view b) {
      hash.Update(b);
      write(b);
    });
    if (read < added)
      throw Error(fmt::format("cannot read file: it ended at byte {}, before {}",
                              before.size + read, host_size),
                  host_path);
  });
  return {std::move(blob), {host_size, hash.HexDigest()}};
}

void VerifyPrefix(const std::string& host_path, const LogState& before,
                  const std::string& pond_path) {
  HostFileReader file(host_path);
  Blake3 hash;
  CheckPrefix(file, hash, before, host_path, pond_path);
}

BlobStore::Stored StoreConcatenation(BlobStore& blobs, Disk& disk,
                                     const std::vector<std::string>& paths) {
  return StoreStream(blobs, disk, [&](const auto& write) {
    for (const std::string& path : paths) HostFileReader(path).Read(INT64_MAX, write);
  });
}

std::vector<std::string> PrefixHashes(const std::vector<std::string>& paths,
                                      const std::vector<int64_t>& sizes) {
  std::vector<std::string> out;
  Blake3 hash;
  int64_t at = 0;  // bytes hashed so far
  const auto reached = [&] {
    // A size below one already passed (not ascending) gets no hash: "".
    while (out.size() < sizes.size() && sizes[out.size()] <= at)
      out.push_back(sizes[out.size()] == at ? hash.HexDigest() : "");
  };
  reached();
  for (const std::string& path : paths) {
    HostFileReader(path).Read(INT64_MAX, [&](std::string_view b) {
      while (!b.empty()) {
        // Up to the next size asked for, so the digest is taken exactly there.
        const int64_t room = out.size() < sizes.size() ? sizes[out.size()] - at : INT64_MAX;
        const size_t n = static_cast<size_t>(std::min<int64_t>(room, std::ssize(b)));
        hash.Update(b.substr(0, n));
        at += static_cast<int64_t>(n);
        b.remove_prefix(n);
        reached();
      }
    });
  }
  return out;
}

}  // namespace pond::store
