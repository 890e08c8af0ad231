// file:log under faults (docs/append-only.md, "Faults"): a SIGKILL or an I/O error at
// every write point of `copy --format log` (a new file, an append, an append that
// merges) and of `maintain`'s merge leaves the pond at the old or the new bytes, each
// with its own size and BLAKE3, and the next run completes; a real ENOSPC (blobs on a
// small tmpfs) fails the append with the pond unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

class StoreLogFaults : public PondFixture {
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
  // What a reader sees: the bytes, and the size and BLAKE3 the catalog keeps for them.
  struct State {
    std::string bytes, described;
    bool operator==(const State&) const = default;
  };
  State Now() {
    RunResult r = P({"describe", "/logs/app.log"});
    if (r.exit_code != 0) return {};  // not there yet
    State s{Ok({"cat", "/logs/app.log"}), r.out.substr(r.out.find("  size:"))};
    // The BLAKE3 kept is the bytes' own.
    const fs::path cat = tmp_.path() / "cat.out";
    WriteFile(cat, s.bytes);
    EXPECT_NE(
        s.described.find(testing::Run("b3sum", {"--no-names", cat.string()}).out.substr(0, 64)),
        std::string::npos)
        << s.described;
    return s;
  }
  // `check` passes, or reports only orphans and temporaries, which --repair removes.
  void CheckOnlyOrphans() {
    RunResult r = P({"check"});
    if (r.exit_code != 0) {
      std::istringstream lines(r.out);
      std::string line;
      std::getline(lines, line);
      while (std::getline(lines, line))
        EXPECT_TRUE(line.starts_with("orphan blob ") || line.starts_with("temporary file "))
            << line;
      r = P({"check", "--repair"});
    }
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // The pond as it is now, restored before every attempt.
  void KeepPristine() {
    fs::remove_all(pristine_);
    fs::copy(dir_, pristine_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  void RestorePristine() {
    fs::remove_all(dir_);
    fs::copy(pristine_, dir_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  // Runs `args` failing at write point 1, 2, … (`mode`: crash or error) from the
  // pristine pond until a run passes them all. Each leaves `old_state` or (a crash
  // after the commit reached the WAL) `new_state`; the next run completes. Returns
  // the number of write points.
  int EveryWritePoint(const std::vector<std::string>& args, const std::string& mode,
                      const State& old_state, const State& new_state) {
    int k = 1;
    for (;; ++k) {
      SCOPED_TRACE(mode + " at write point " + std::to_string(k));
      if (k > 80) {
        ADD_FAILURE() << "the command never completed";
        break;
      }
      RestorePristine();
      RunResult r = P(args, {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", mode}});
      if (r.exit_code == 0) break;  // k is past the last write point
      if (mode == "crash") {
        EXPECT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
        const State now = Now();
        EXPECT_TRUE(now == old_state || now == new_state);
        CheckOnlyOrphans();
      } else {
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_THAT(r.err, ::testing::StartsWith("pond: error: injected fault at write point " +
                                                 std::to_string(k) + " ("));
        EXPECT_TRUE(Now() == old_state);
        RunResult check = P({"check"});
        EXPECT_EQ(check.exit_code, 0) << check.out;  // no orphan left either
      }
      Ok(args);
      EXPECT_TRUE(Now() == new_state);
    }
    return k - 1;
  }
  // Both modes over the change `args` makes to the pond as it is now.
  void BothModes(const std::vector<std::string>& args, int at_least) {
    KeepPristine();
    const State old_state = Now();
    Ok(args);
    const State new_state = Now();
    // A copy changes the bytes; maintain only the blobs holding them.
    EXPECT_EQ(old_state == new_state, args[0] == "maintain");
    RestorePristine();
    EXPECT_GE(EveryWritePoint(args, "crash", old_state, new_state), at_least);
    EXPECT_GE(EveryWritePoint(args, "error", old_state, new_state), at_least);
  }

  std::string host_;
  std::string pristine_ = tmp_ / "pristine";
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
  BothModes({"maintain"}, 10);
}

// A real ENOSPC: the pond's blobs on a small tmpfs filled to leave less and less room
// than the append needs. Each run fails with the pond unchanged, or appends; with
// room again the next one completes. (Only the blobs: on a full disk SQLite cannot
// make the catalog's shared-memory file a reader needs.)
TEST_F(StoreLogFaults, AFullDiskLeavesThePondUnchanged) {
  TmpfsMount tmpfs(8 << 20);
  if (!tmpfs.ok()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  const fs::path blobs = tmpfs.path() / "blobs";
  fs::copy(dir_ + "/blobs", blobs, fs::copy_options::recursive);
  fs::remove_all(dir_ + "/blobs");
  fs::create_directory_symlink(blobs, dir_ + "/blobs");
  Grow(0, 20000);
  Ok(CopyArgs());
  Grow(20000, 60000);  // ~1.7 MB more
  KeepPristine();
  const fs::path blobs_pristine = tmp_.path() / "blobs-pristine";
  fs::copy(blobs, blobs_pristine, fs::copy_options::recursive);
  auto restore = [&] {
    RestorePristine();  // its blobs entry is the link to the tmpfs
    fs::remove_all(blobs);
    fs::copy(blobs_pristine, blobs, fs::copy_options::recursive);
  };
  auto avail = [&] {
    struct statvfs st {};
    ::statvfs(tmpfs.path().c_str(), &st);
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  };
  const State old_state = Now();
  const int64_t before = avail();
  Ok(CopyArgs());
  const State new_state = Now();
  const int64_t needed = before - avail();
  ASSERT_GT(needed, 1 << 20);
  const fs::path filler = tmpfs.path() / "filler";
  int failed = 0;
  for (int step = 0; step <= 12; ++step) {
    const int64_t room = needed * step / 8;
    SCOPED_TRACE("room " + std::to_string(room) + " of " + std::to_string(needed));
    restore();
    WriteFile(filler, std::string(static_cast<size_t>(std::max<int64_t>(0, avail() - room)), 'x'));
    RunResult r = P(CopyArgs());
    if (r.exit_code == 0) {
      EXPECT_TRUE(Now() == new_state);
    } else {
      ++failed;
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
      EXPECT_TRUE(Now() == old_state);
      RunResult check = P({"check"});
      EXPECT_EQ(check.exit_code, 0) << check.out << r.err;
      EXPECT_TRUE(fs::is_empty(blobs / "tmp"));
    }
    fs::remove(filler);
    Ok(CopyArgs());
    EXPECT_TRUE(Now() == new_state);
  }
  std::printf("%d of 13 appends out of room\n", failed);
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 13);
}

}  // namespace
}  // namespace pond::testing
