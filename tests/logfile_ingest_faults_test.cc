// logfile-ingest runs under faults: a SIGKILL or an I/O error at every write point of a
// run that adds a file, appends, or rotates (the rotated file's tail appended, the copy
// renamed, the new file added) leaves the pond at the old or the new state, each copy
// with its own size and BLAKE3, and the next run completes equal to the host files; a
// real ENOSPC (blobs on a small tmpfs) fails the run with the pond unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/pond_faults.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

// What a reader sees: `pond run NODE b3sum`, and each copy's bytes.
struct Copies {
  std::string sums, bytes;
  bool operator==(const Copies&) const = default;
};

class LogfileIngestFaults : public PondFaults<Copies> {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/etc"});
    fs::create_directory(logs_);
    Ok({"mknod", "logfile-ingest", "/etc/ingest", "--config",
        Host("ingest.yaml", "archived_pattern: " + logs_ + "/app.log.*\nactive_pattern: " + logs_ +
                                "/app.log\npond_path: /ingest\n")});
  }
  std::string Log(const std::string& name) const { return logs_ + "/" + name; }
  void Grow(int first, int count, const std::string& name = "app.log") {
    std::ofstream out(Log(name), std::ios::binary | std::ios::app);
    for (int i = first; i < first + count; ++i) out << "line " << i << " of " << name << "\n";
  }
  const std::vector<std::string> run_{"run", "/etc/ingest"};

  // The copies as a reader gets them (copied out, one process for all), each checked
  // against the BLAKE3 the pond keeps for it by the real b3sum.
  Copies Now() override {
    Copies c{Ok({"run", "/etc/ingest", "b3sum"}), ""};
    if (c.sums.empty()) return c;  // no run yet
    const fs::path out = tmp_.path() / "out";
    fs::remove_all(out);
    Ok({"copy", "/ingest/*", "host://" + out.string()});
    EXPECT_EQ(B3sum(out / "ingest"), c.sums);
    for (const std::string& name : Names(out / "ingest"))
      c.bytes += name + ":\n" + ReadFile(out / "ingest" / name);
    return c;
  }
  static std::vector<std::string> Names(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  // What the real b3sum prints for the files of `dir`, by name: what the node prints.
  static std::string B3sum(const fs::path& dir) {
    std::vector<std::string> args;
    for (const std::string& name : Names(dir)) args.push_back((dir / name).string());
    std::string sums = testing::Run("b3sum", args).out;
    for (size_t at; (at = sums.find(dir.string() + "/")) != std::string::npos;)
      sums.erase(at, dir.string().size() + 1);
    return sums;
  }
  // The pond's copies are the host files.
  void ExpectMirrorsHost() { EXPECT_EQ(Now().sums, B3sum(logs_)); }

  std::string logs_ = tmp_ / "logs";
};

// The blob's seven write points (temp dir, before and after the copy, fsync, blob dir,
// rename, dir fsync), the point before COMMIT, then the WAL's and the checkpoint's.
TEST_F(LogfileIngestFaults, ANewFile) {
  Grow(0, 1000);
  BothModes(run_, 10);
  ExpectMirrorsHost();
}

TEST_F(LogfileIngestFaults, AnAppend) {
  Grow(0, 1000);
  Ok(run_);
  Grow(1000, 10);
  BothModes(run_, 10);
  ExpectMirrorsHost();
}

// The rotated file's tail (a blob), the rename (in the catalog), the new file (a second
// blob), in one transaction: a shorter new file, found by the plan.
TEST_F(LogfileIngestFaults, ARotation) {
  Grow(0, 1000);
  Ok(run_);
  Grow(1000, 10);
  fs::rename(Log("app.log"), Log("app.log.1"));
  Grow(0, 5);
  BothModes(run_, 17);
  ExpectMirrorsHost();
}

// A longer new file: the append's prefix check fails first, then the rotation is made
// in the same transaction.
TEST_F(LogfileIngestFaults, ARotationFoundByTheAppend) {
  Grow(0, 100);
  Ok(run_);
  Grow(100, 10);
  fs::rename(Log("app.log"), Log("app.log.1"));
  Grow(0, 1000, "app.log (new)");
  fs::rename(Log("app.log (new)"), Log("app.log"));
  BothModes(run_, 17);
  ExpectMirrorsHost();
}

// A real ENOSPC (blobs on a small tmpfs, FullDisk): an append of ~1.7 MB fails with the
// pond unchanged, or completes.
TEST_F(LogfileIngestFaults, AFullDiskLeavesThePondUnchanged) {
  FullDisk(run_, [&] {
    Grow(0, 20000);
    Ok(run_);
    Grow(20000, 60000);
  });
  if (!IsSkipped()) ExpectMirrorsHost();
}

}  // namespace
}  // namespace pond::testing
