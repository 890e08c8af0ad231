// file:log under faults (docs/append-only.md, "Faults"): a SIGKILL or an I/O error at
// every write point of `copy --format log` (a new file, an append, an append that
// merges) and of `maintain`'s merge leaves the pond at the old or the new bytes, each
// with its own size and BLAKE3, and the next run completes; a real ENOSPC (blobs on a
// small tmpfs) fails the append with the pond unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/pond_faults.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

// What a reader sees: the bytes, and the size and BLAKE3 the catalog keeps for them.
struct LogState {
  std::string bytes, described;
  bool operator==(const LogState&) const = default;
};

class StoreLogFaults : public PondFaults<LogState> {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/logs"});
    host_ = Host("app.log", "");
  }
  void Grow(int first, int count) {
    std::ofstream out(host_, std::ios::binary | std::ios::app);
    for (int i = first; i < first + count; ++i) out << "line " << i << " of the log\n";
  }
  std::vector<std::string> CopyArgs() {
    return {"copy", "--format", "log", host_, "/logs/app.log"};
  }
  LogState Now() override {
    RunResult r = P({"describe", "/logs/app.log"});
    if (r.exit_code != 0) return {};  // not there yet
    LogState s{Ok({"cat", "/logs/app.log"}), r.out.substr(r.out.find("  size:"))};
    // The BLAKE3 kept is the bytes' own.
    const fs::path cat = tmp_.path() / "cat.out";
    WriteFile(cat, s.bytes);
    EXPECT_NE(
        s.described.find(testing::Run("b3sum", {"--no-names", cat.string()}).out.substr(0, 64)),
        std::string::npos)
        << s.described;
    return s;
  }
  std::string host_;
};

// The blob's seven (temp dir, before and after the copy, fsync, blob dir, rename, dir
// fsync), the point before COMMIT, the WAL's write and sync, and the checkpoint's.
TEST_F(StoreLogFaults, ANewFile) {
  Grow(0, 1000);
  BothModes(CopyArgs(), 10);
}

TEST_F(StoreLogFaults, AnAppend) {
  Grow(0, 1000);
  Ok(CopyArgs());
  Grow(1000, 10);
  BothModes(CopyArgs(), 10);
}

// The fourth version merges the four pieces in the same transaction: the merged blob's
// seven write points come after the append's.
TEST_F(StoreLogFaults, AnAppendThatMerges) {
  for (int i = 0; i < 3; ++i) {
    Grow(i * 100, 100);
    Ok(CopyArgs());
  }
  Grow(300, 100);
  BothModes(CopyArgs(), 17);
}

TEST_F(StoreLogFaults, MaintainsMerge) {
  for (int i = 0; i < 3; ++i) {
    Grow(i * 100, 100);
    Ok(CopyArgs());
  }
  BothModes({"maintain"}, 10, /*changes=*/false);  // only the blobs holding the bytes
}

// A real ENOSPC (blobs on a small tmpfs, FullDisk): an append of ~1.7 MB fails with
// the pond unchanged, or completes.
TEST_F(StoreLogFaults, AFullDiskLeavesThePondUnchanged) {
  FullDisk(CopyArgs(), [&] {
    Grow(0, 20000);
    Ok(CopyArgs());
    Grow(20000, 60000);  // ~1.7 MB more
  });
}

}  // namespace
}  // namespace pond::testing
