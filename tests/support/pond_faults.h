// A fixture for fault tests of one pond command through the binary (the Disk seam,
// src/store/disk.h): the command run from one pond state kept aside, with a SIGKILL or
// an injected error at each of its write points in turn, or with its blobs on a tmpfs
// too full for it. Each attempt must leave what a reader sees (the test's Now()) at the
// old or the new state, and the next run must complete. Header-only.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "support/pond_fixture.h"

namespace pond::testing {

// `State` is what a reader sees of the pond, compared with ==.
template <typename State>
class PondFaults : public PondFixture {
 protected:
  // What a reader sees now.
  virtual State Now() = 0;

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
    std::filesystem::remove_all(pristine_);
    std::filesystem::copy(dir_, pristine_, kCopyTree);
  }
  void RestorePristine() {
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(pristine_, dir_, kCopyTree);
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
  // Both modes over the change `args` makes to the pond as it is now, each with at
  // least `at_least` write points. `changes`: whether it changes what a reader sees.
  void BothModes(const std::vector<std::string>& args, int at_least, bool changes = true) {
    KeepPristine();
    const State old_state = Now();
    Ok(args);
    const State new_state = Now();
    EXPECT_EQ(old_state == new_state, !changes);
    RestorePristine();
    EXPECT_GE(EveryWritePoint(args, "crash", old_state, new_state), at_least);
    EXPECT_GE(EveryWritePoint(args, "error", old_state, new_state), at_least);
  }

  // A real ENOSPC: the pond's blobs moved to a small tmpfs, `prepare` run, then `args`
  // run from there with the tmpfs filled to leave less and less room than it needs.
  // Each run fails with the pond unchanged, or succeeds; with room again the next one
  // completes. (Only the blobs: on a full disk SQLite cannot make the catalog's
  // shared-memory file a reader needs.) Returns with the blobs back in the pond, which
  // is at the new state. Skips where no tmpfs can be mounted.
  void FullDisk(const std::vector<std::string>& args, const std::function<void()>& prepare) {
    namespace fs = std::filesystem;
    TmpfsMount tmpfs(8 << 20);
    if (!tmpfs.ok()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
    const fs::path blobs = tmpfs.path() / "blobs";
    fs::copy(dir_ + "/blobs", blobs, fs::copy_options::recursive);
    fs::remove_all(dir_ + "/blobs");
    fs::create_directory_symlink(blobs, dir_ + "/blobs");
    prepare();
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
    Ok(args);
    const State new_state = Now();
    const int64_t needed = before - avail();
    ASSERT_GT(needed, 1 << 20);
    const fs::path filler = tmpfs.path() / "filler";
    int failed = 0;
    for (int step = 0; step <= 12; ++step) {
      const int64_t room = needed * step / 8;
      SCOPED_TRACE("room " + std::to_string(room) + " of " + std::to_string(needed));
      restore();
      WriteFile(filler,
                std::string(static_cast<size_t>(std::max<int64_t>(0, avail() - room)), 'x'));
      RunResult r = P(args);
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
      Ok(args);
      EXPECT_TRUE(Now() == new_state);
    }
    fs::remove(dir_ + "/blobs");  // the blobs back in the pond, at the new state
    fs::copy(blobs, dir_ + "/blobs", fs::copy_options::recursive);
    std::printf("%d of 13 runs out of room\n", failed);
    EXPECT_GT(failed, 0);
    EXPECT_LT(failed, 13);
  }

  std::string pristine_ = tmp_ / "pristine";

 private:
  static constexpr auto kCopyTree =
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks;
};

}  // namespace pond::testing
