#include "store/append_only.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "base/blake3.h"
#include "base/error.h"
#include "base/host_file.h"

namespace pond::store {

namespace {

PrefixMismatchError Shorter(int64_t read, const LogState& before, const std::string& host_path,
              const std::string& pond_path) {
  return PrefixMismatchError(
      fmt::format("host file has {} bytes, fewer than the {} of {}", read, before.size, pond_path),
      host_path);
}

PrefixMismatchError Differs(const LogState& before, const std::string& host_path, const std::string& pond_path) {
  return PrefixMismatchError(fmt::format("the first {} bytes are not the ones {} holds (BLAKE3 "
                                         "differs)",
                                         before.size, pond_path),
                             host_path);
}

// The BLAKE3 of each segment as its bytes pass (log_sums.h), from a segment's start.
class SegmentHashes {
 public:
  explicit SegmentHashes(int64_t at) : at_(at) {}
  void Update(std::string_view b) {
    while (!b.empty()) {
      const int64_t room = kLogSegmentBytes - at_ % kLogSegmentBytes;
      const size_t n = static_cast<size_t>(std::min<int64_t>(room, std::ssize(b)));
      running_.Update(b.substr(0, n));
      at_ += static_cast<int64_t>(n);
      b.remove_prefix(n);
      if (at_ % kLogSegmentBytes == 0) {
        completed_.push_back(running_.HexDigest());
        running_.Reset();
      }
    }
  }
  // The BLAKE3 of the current segment's bytes so far.
  std::string Running() const { return running_.HexDigest(); }
  // The sums after the bytes given so far, `whole` the cumulative hasher.
  LogSums Sums(size_t first, const Blake3& whole) {
    return {first, std::move(completed_), running_.HexDigest(), whole.SaveState()};
  }

 private:
  int64_t at_;
  Blake3 running_;
  std::vector<std::string> completed_;
};

// The log's first before.size bytes, in one pass: hashed into `whole` and `segments`
// (fresh), compared with before.blake3.
void CheckInOnePass(HostFileReader& file, Blake3& whole, SegmentHashes& segments,
                    const LogState& before, const std::string& host_path,
                    const std::string& pond_path) {
  const int64_t read = file.Read(before.size, [&](std::string_view b) {
    whole.Update(b);
    segments.Update(b);
  });
  if (read < before.size) throw Shorter(read, before, host_path, pond_path);
  if (whole.HexDigest() != before.blake3) throw Differs(before, host_path, pond_path);
}

// The same check against the sums: every whole segment hashed on its own, on every
// core (what makes it as fast as b3sum, which hashes on every core too), the tail on
// this thread into `tail` (fresh, at the last whole segment's end). False when a
// digest differs.
bool CheckBySums(const HostFileReader& file, const LogSums& sums, SegmentHashes& tail,
                 const LogState& before, const std::string& host_path,
                 const std::string& pond_path) {
  if (const int64_t size = file.Size(); size < before.size)
    throw Shorter(size, before, host_path, pond_path);
  const size_t whole = sums.segments.size();
  std::atomic<size_t> next{0};
  std::atomic<bool> bad{false};
  std::mutex mu;
  std::exception_ptr failure;
  const auto guarded = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
      bad = true;
    }
  };
  const auto segments = [&] {
    guarded([&] {
      for (size_t i; !bad && (i = next++) < whole;) {
        Blake3 h;
        const int64_t at = static_cast<int64_t>(i) * kLogSegmentBytes;
        const int64_t read =
            file.ReadAt(at, kLogSegmentBytes, [&](std::string_view b) { h.Update(b); });
        if (read < kLogSegmentBytes || h.HexDigest() != sums.segments[i]) bad = true;
      }
    });
  };
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::jthread> helpers;
  for (size_t t = 1; t < std::min<size_t>(cores, whole); ++t) helpers.emplace_back(segments);
  guarded([&] {
    const int64_t at = static_cast<int64_t>(whole) * kLogSegmentBytes;
    const int64_t n = before.size - at;
    if (file.ReadAt(at, n, [&](std::string_view b) { tail.Update(b); }) < n ||
        tail.Running() != sums.tail)
      bad = true;
  });
  segments();
  helpers.clear();  // joined
  if (failure) std::rethrow_exception(failure);
  if (bad) {
    if (const int64_t size = file.Size(); size < before.size)
      throw Shorter(size, before, host_path, pond_path);
    return false;
  }
  return true;
}

// Checks the log's first bytes by the sums when they can serve (their saved state
// loads into `whole` and gives before.blake3), else in one pass. Returns the segment
// hasher positioned at before.size and the index of its first segment.
std::pair<SegmentHashes, size_t> CheckPrefix(HostFileReader& file, Blake3& whole,
                                              const LogState& before, const LogSums* sums,
                                              const std::string& host_path,
                                              const std::string& pond_path) {
  if (sums && std::ssize(sums->segments) == before.size / kLogSegmentBytes &&
      whole.LoadState(sums->state) && whole.HexDigest() == before.blake3) {
    const size_t first = sums->segments.size();
    SegmentHashes tail(static_cast<int64_t>(first) * kLogSegmentBytes);
    if (CheckBySums(file, *sums, tail, before, host_path, pond_path)) {
      file.Seek(before.size);
      return {std::move(tail), first};
    }
    // Other bytes, or sums that are wrong: the pass against before.blake3 decides, so
    // that sums, a summary, never refuse bytes the log holds.
    file.Seek(0);
  }
  whole.Reset();
  SegmentHashes all(0);
  CheckInOnePass(file, whole, all, before, host_path, pond_path);
  return {std::move(all), 0};
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
                         const LogState& before, const LogSums* sums, int64_t host_size,
                         const std::string& pond_path) {
  HostFileReader file(host_path);
  Blake3 whole;
  auto checked = CheckPrefix(file, whole, before, sums, host_path, pond_path);
  SegmentHashes& segments = checked.first;
  const int64_t added = host_size - before.size;
  BlobStore::Stored blob = StoreStream(blobs, disk, [&](const auto& write) {
    const int64_t read = file.Read(added, [&](std::string_view b) {
      whole.Update(b);
      segments.Update(b);
      write(b);
    });
    if (read < added)
      throw Error(fmt::format("cannot read file: it ended at byte {}, before {}",
                              before.size + read, host_size),
                  host_path);
  });
  return {std::move(blob), {host_size, whole.HexDigest()}, segments.Sums(checked.second, whole)};
}

void VerifyPrefix(const std::string& host_path, const LogState& before, const LogSums* sums,
                  const std::string& pond_path) {
  HostFileReader file(host_path);
  Blake3 whole;
  CheckPrefix(file, whole, before, sums, host_path, pond_path);
}

BlobStore::Stored StoreConcatenation(BlobStore& blobs, Disk& disk,
                                     const std::vector<std::string>& paths) {
  return StoreStream(blobs, disk, [&](const auto& write) {
    for (const std::string& path : paths) HostFileReader(path).Read(INT64_MAX, write);
  });
}

std::vector<std::string> PrefixHashes(const std::vector<std::string>& paths,
                                      const std::vector<int64_t>& sizes, LogSums* sums) {
  std::vector<std::string> out;
  Blake3 hash;
  SegmentHashes segments(0);
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
        if (sums) segments.Update(b.substr(0, n));
        at += static_cast<int64_t>(n);
        b.remove_prefix(n);
        reached();
      }
    });
  }
  if (sums) *sums = segments.Sums(0, hash);
  return out;
}

}  // namespace pond::store
