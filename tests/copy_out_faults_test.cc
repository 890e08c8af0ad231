// `pond copy` out to host files under faults: failing (an I/O error) at any write
// point of the Disk seam leaves DEST as it was; killed (SIGKILL) at any, it leaves
// each file whole or absent, and the next copy-out into DEST deletes what the killed
// one staged.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

// Every file below `dir` by relative path, with its bytes; folders as "<dir>/".
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().lexically_relative(dir).string();
    out[e.is_directory() ? rel + "/" : rel] = e.is_directory() ? "" : ReadFile(e.path());
  }
  return out;
}

class CopyOutFaults : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "-p", "/site/raw"});
    WriteFile(tmp_.path() / "a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n2024-07-01 01:00:00,2\n");
    Ok({"copy", tmp_ / "a.csv", "/site/raw/a.series", "--format", "series"});
    WriteFile(tmp_.path() / "notes.txt", "some notes\n");
    Ok({"copy", tmp_ / "notes.txt", "/site/notes.txt"});
    Ok({"copy", tmp_ / "notes.txt", "/site/raw/more.txt"});
  }
  RunResult CopyOut(const fs::path& dest, std::map<std::string, std::string> env = {}) {
    return P({"copy", "/site/**", "host://" + dest.string()}, std::move(env));
  }
  // DEST holding a file of its own, and nothing else.
  void Reset() {
    fs::remove_all(dest_);
    WriteFile(dest_ / "mine.txt", "mine");
  }

  fs::path dest_ = tmp_.path() / "dest";
};

TEST_F(CopyOutFaults, FailingOrKilledAtAnyWritePoint) {
  ASSERT_EQ(CopyOut(tmp_.path() / "expected").exit_code, 0);
  const auto copied = Files(tmp_.path() / "expected");
  ASSERT_EQ(copied.size(), 5u);  // site/, site/raw/ and three files
  Reset();
  const auto before = Files(dest_);
  RunResult counted = CopyOut(dest_, {{"POND_FAULT_AT", "1000000000"}, {"POND_LOG", "debug"}});
  ASSERT_EQ(counted.exit_code, 0) << counted.err;
  int points = 0;
  for (size_t at = 0; (at = counted.err.find(" write point ", at)) != std::string::npos; ++at)
    ++points;
  EXPECT_GT(points, 10);
  std::printf("%d write points\n", points);
  for (const char* mode : {"error", "crash"}) {
    for (int k = 1; k <= points; ++k) {
      SCOPED_TRACE(std::string(mode) + " at write point " + std::to_string(k));
      Reset();
      RunResult r = CopyOut(dest_, {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", mode}});
      auto now = Files(dest_);
      if (std::string(mode) == "error") {
        if (r.exit_code == 0) continue;  // the staging folder's removal, after the copy
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(now, before);
        continue;
      }
      ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
      for (auto it = now.begin(); it != now.end();) {
        if (it->first.starts_with(".pond-copy-")) {
          it = now.erase(it);
          continue;
        }
        if (it->first != "mine.txt") {
          EXPECT_EQ(it->second, copied.at(it->first)) << it->first;
        }
        ++it;
      }
      // The next copy-out into DEST deletes the killed one's staging folder.
      fs::remove_all(dest_ / "site");
      ASSERT_EQ(CopyOut(dest_).exit_code, 0);
      now = Files(dest_);
      now.erase("mine.txt");
      EXPECT_EQ(now, copied);
    }
  }
}

}  // namespace
}  // namespace pond::testing
