// Export under faults (docs/export.md, "All or nothing"): a first export and an
// incremental refresh, killed (SIGKILL) or failing (an I/O error, as a full disk gives
// one) at every write point of the Disk seam, leave OUT byte for byte the tree it was
// or the tree it should become, never a mix, and the next export completes and yields
// the latter. A real full disk (a small tmpfs, when the test may mount one) does the
// same.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/export_pond.h"
#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

// A folder as paths and contents: "<dir>/" for a folder, "-> <target>" for a symlink,
// a file's bytes. The manifest's stamps (inode, mtime) name the files, not their
// bytes, so they are left out; what it records of each file stays.
using Tree = std::map<std::string, std::string>;

Tree Snapshot(const fs::path& dir) {
  Tree out;
  if (!fs::exists(dir)) return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string rel = it->path().lexically_relative(dir).string();
    const fs::file_status st = it->symlink_status();
    if (fs::is_directory(st)) {
      out[rel + "/"] = "";
    } else if (fs::is_symlink(st)) {
      out[rel] = "-> " + fs::read_symlink(it->path()).string();
    } else if (rel == ".pond-export.json") {
      auto j = nlohmann::json::parse(ReadFile(it->path()));
      for (auto& [file, stamp] : j["files"].items()) stamp = nullptr;
      out[rel] = j.dump();
    } else {
      out[rel] = ReadFile(it->path());
    }
  }
  return out;
}

// What differs between two trees, for a failure message.
std::string Diff(const Tree& now, const Tree& old_tree, const Tree& new_tree) {
  std::string out;
  for (const auto& [name, tree] : {std::pair{"old", &old_tree}, std::pair{"new", &new_tree}}) {
    out += std::string("against the ") + name + " tree:";
    for (const auto& [rel, bytes] : now)
      if (!tree->contains(rel))
        out += " +" + rel;
      else if (tree->at(rel) != bytes)
        out += " ~" + rel;
    for (const auto& [rel, bytes] : *tree)
      if (!now.contains(rel)) out += " -" + rel;
    out += "\n";
  }
  return out;
}

class ExportFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    // January and February every 15 minutes; c five days of January.
    Append("a", "2024-01-01 00:00:00", 4 * 24 * 60, 1.0);
    Append("b", "2024-01-01 00:00:00", 4 * 24 * 60, 2.0);
    Append("c", "2024-01-10 00:00:00", 4 * 24 * 5, 3.0);
    MakeReducedPages([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_,
                     "[{type: avg}, {type: count, columns: ['*']}]");
  }

  RunResult P(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--pond", dir_});
    env["POND_CACHE"] = "off";  // the export's write points only (the cache has its own test)
    return Pond(args, env);
  }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // `rows` readings every 15 minutes from `from` into /raw/<name>.series; values are
  // multiples of 1/4, so averages are exact and files byte-identical run to run.
  void Append(const std::string& name, const std::string& from, int rows, double base) {
    AppendReadings([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_, name, from,
                   rows, [base](int i) { return base + (i % 8) * 0.25; });
  }
  RunResult Export(std::map<std::string, std::string> env = {}) {
    return P({"--quiet", "export", "--pattern", "/reduced/*/res=*.series", "--pattern", "/pages/*",
              "--dir", out_.string(), "--temporal", "year,month"},
             env);
  }
  // A user's entries in OUT, which an export leaves where they are: a file, an empty
  // folder, a symlink, and (with `inside`) a file in a folder the export writes to.
  void UserEntries(bool inside) {
    fs::create_directories(out_ / "empty");
    WriteFile(out_ / "keep.txt", "mine");
    fs::create_directory_symlink("a", out_ / "latest");
    if (inside) WriteFile(out_ / "a/README", "notes");
  }
  // The staging folders left beside OUT.
  std::vector<std::string> Leftovers() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(out_.parent_path()))
      if (e.path().filename().string().starts_with(".out.pond-staging-"))
        out.push_back(e.path().filename().string());
    return out;
  }
  // The tree before the last export, which the next one starts from (staging.h).
  fs::path Spare() const { return out_.parent_path() / ".out.pond-spare"; }
  // OUT and its spare as `pristine_` and `pristine_spare_` hold them (same inodes),
  // and nothing left by a killed export.
  void Reset() {
    LinkTree(pristine_, out_);
    LinkTree(pristine_spare_, Spare());
    for (const auto& name : Leftovers()) fs::remove_all(out_.parent_path() / name);
  }
  void KeepAsPristine() {
    LinkTree(out_, pristine_);
    LinkTree(Spare(), pristine_spare_);
  }
  // The write points of an export that never faults (then OUT is the new tree).
  int CountPoints() {
    RunResult r = Export({{"POND_FAULT_AT", "1000000000"}, {"POND_LOG", "debug"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    int n = 0;
    for (size_t at = 0; (at = r.err.find(" write point ", at)) != std::string::npos; ++at) ++n;
    return n;
  }

  // From `pristine_` (OUT before), an export faulting as `mode` at each write point k
  // leaves OUT old or new; the next export from there yields the new tree (after every
  // crash; after every `repair_stride`-th error, the others having left the old tree).
  void EveryWritePoint(const std::string& mode, int repair_stride) {
    const Tree old_tree = Snapshot(pristine_);
    Reset();
    const int points = CountPoints();
    const Tree new_tree = Snapshot(out_);
    ASSERT_NE(old_tree, new_tree);
    ASSERT_GT(points, 20);
    std::printf("%d write points\n", points);
    int old_seen = 0, new_seen = 0;
    for (int k = 1; k <= points; ++k) {
      SCOPED_TRACE(mode + " at write point " + std::to_string(k) + " of " + std::to_string(points));
      Reset();
      RunResult r = Export({{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", mode}});
      const Tree now = Snapshot(out_);
      const bool is_old = now == old_tree, is_new = now == new_tree;
      EXPECT_TRUE(is_old || is_new) << Diff(now, old_tree, new_tree);
      old_seen += is_old;
      new_seen += is_new;
      if (mode == "crash") {
        ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
      } else if (r.exit_code == 1) {
        EXPECT_NE(r.err.find("injected fault at write point " + std::to_string(k)),
                  std::string::npos)
            << r.err;
        EXPECT_TRUE(is_old);
        EXPECT_TRUE(Leftovers().empty());
      } else {
        // After the swap (making it durable, deleting the old tree): done, with a warning.
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.err.find("warning: export published, but: injected fault"), std::string::npos)
            << r.err;
        EXPECT_TRUE(is_new);
      }
      if (mode != "crash" && k % repair_stride != 0) continue;
      r = Export();
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(Snapshot(out_), new_tree) << Diff(Snapshot(out_), old_tree, new_tree);
      EXPECT_TRUE(Leftovers().empty());
    }
    EXPECT_GT(old_seen, 0);
    EXPECT_GT(new_seen, 0);  // the points after the swap
  }

  // OUT before a first export: the user's entries only.
  void PrepareFirstExport() {
    UserEntries(true);
    KeepAsPristine();
  }
  // OUT before a refresh: a first export, a refresh (so the spare is the first export's
  // tree, sharing most files with OUT) and the user's entries; then one more hour of a
  // (a new month), a late reading in b's January, c removed.
  void PrepareRefresh() {
    UserEntries(false);
    ASSERT_EQ(Export().exit_code, 0);
    Append("a", "2024-02-10 00:07:00", 1, 7.0);
    ASSERT_EQ(Export().exit_code, 0);
    ASSERT_TRUE(fs::is_directory(Spare()));
    WriteFile(out_ / "a/README", "notes");
    KeepAsPristine();
    Append("a", "2024-03-01 00:00:00", 4, 5.0);
    Append("b", "2024-01-20 00:07:00", 1, 9.0);
    Ok({"rm", "/raw/c.series"});
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
  fs::path out_ = tmp_.path() / "out";
  fs::path pristine_ = tmp_.path() / "pristine";
  fs::path pristine_spare_ = tmp_.path() / "pristine-spare";
};

// Every write point, none skipped: 71 for this first export (folders, each COPY
// between two points, pages, the manifest, links of the user's entries, syncfs, the
// exchange, its fsync, the old tree kept as the spare), 54 for the refresh (the spare
// taken, brought up to date, swapped in). Crashes are each followed by the repairing
// export; errors, which leave no staging folder behind, by every fourth.
TEST_F(ExportFaults, AFirstExportKilledAtAnyWritePointLeavesOutOldOrNew) {
  PrepareFirstExport();
  EveryWritePoint("crash", 1);
}

TEST_F(ExportFaults, AFirstExportFailingAtAnyWritePointLeavesOutOldOrNew) {
  PrepareFirstExport();
  EveryWritePoint("error", 4);
}

TEST_F(ExportFaults, ARefreshKilledAtAnyWritePointLeavesOutOldOrNew) {
  PrepareRefresh();
  EveryWritePoint("crash", 1);
}

TEST_F(ExportFaults, ARefreshFailingAtAnyWritePointLeavesOutOldOrNew) {
  PrepareRefresh();
  EveryWritePoint("error", 4);
}

// A real ENOSPC: OUT's parent on a small tmpfs filled to leave less and less room
// than the export needs, for a first export into a missing OUT and for a refresh.
// Each run fails, leaving OUT as it was, or succeeds; with room again the next one
// completes.
TEST_F(ExportFaults, AFullDiskLeavesOutOldOrNew) {
  TmpfsMount tmpfs(8 << 20);
  if (!tmpfs.ok()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  out_ = tmpfs.path() / "out";
  pristine_ = tmpfs.path() / "pristine";  // hard links: on the same file system
  pristine_spare_ = tmpfs.path() / "pristine-spare";
  auto avail = [&] {
    struct statvfs st {};
    ::statvfs(tmpfs.path().c_str(), &st);
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  };
  const fs::path filler = tmpfs.path() / "filler";
  int64_t needed = 0;  // what the first export takes: room enough for either
  for (const bool refresh : {false, true}) {
    SCOPED_TRACE(refresh ? "refresh" : "first export");
    if (refresh) {
      Reset();
      ASSERT_EQ(Export().exit_code, 0);
      KeepAsPristine();
      Append("a", "2024-03-01 00:00:00", 4, 5.0);
      Append("b", "2024-01-20 00:07:00", 1, 9.0);
    }
    const Tree old_tree = Snapshot(pristine_);
    Reset();
    const int64_t before = avail();
    ASSERT_EQ(Export().exit_code, 0);
    const Tree new_tree = Snapshot(out_);
    if (!refresh) needed = before - avail();
    int failed = 0;
    for (int step = 0; step <= 12; ++step) {
      const int64_t room = std::max<int64_t>(0, needed * step / 8);
      SCOPED_TRACE("room " + std::to_string(room) + " of " + std::to_string(needed));
      Reset();
      fs::remove(filler);
      WriteFile(filler,
                std::string(static_cast<size_t>(std::max<int64_t>(0, avail() - room)), 'x'));
      RunResult r = Export();
      const Tree now = Snapshot(out_);
      if (r.exit_code == 0) {
        EXPECT_EQ(now, new_tree) << Diff(now, old_tree, new_tree);
      } else {
        ++failed;
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
        EXPECT_EQ(now, old_tree) << Diff(now, old_tree, new_tree);
        EXPECT_TRUE(Leftovers().empty());
      }
      fs::remove(filler);
      r = Export();
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(Snapshot(out_), new_tree);
    }
    std::printf("%s: %d of 13 runs out of room\n", refresh ? "refresh" : "first export", failed);
    EXPECT_GT(failed, 0);
    EXPECT_LT(failed, 13);
  }
}

}  // namespace
}  // namespace pond::testing
