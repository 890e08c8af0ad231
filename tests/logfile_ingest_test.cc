// logfile-ingest through the binary: `pond run NODE` mirrors rotating host logs into
// `pond_path`, and after every run the real `b3sum` of the host files is what
// `pond run NODE b3sum` prints, and `pond cat` reads the host bytes.
// An unchanged file twice, a log growing run by run, rotations (to a longer or a
// shorter file, after a last growth, before the new file is made), a rewrite with no
// archive and a changed archive refused with the pond unchanged, a shrunk file warned
// about, a late OTLP record, nodes sharing a pond_path, runs raced (growth, a rotation,
// an archive change while a run is stalled at a write point), the actions, bad configs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/otlp_lines.h"
#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Host log lines of 32 bytes each: "line 0000012 app.log           \n".
std::string Lines(int first, int count, const std::string& what = "app.log") {
  std::string out;
  char line[64];  // 32 used; room for any int, as -Wformat-truncation wants
  for (int i = first; i < first + count; ++i) {
    std::snprintf(line, sizeof line, "line %07d %-18.18s\n", i, what.c_str());
    out += line;
  }
  return out;
}

size_t LineCount(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

class LogfileIngest : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/etc"});
    fs::create_directory(logs_);
    Node("/etc/ingest", logs_ + "/app.log.*", logs_ + "/app.log", "/ingest");
  }
  // Makes a logfile-ingest node with this config.
  void Node(const std::string& path, const std::string& archived, const std::string& active,
            const std::string& pond_path) {
    Ok({"mknod", "logfile-ingest", path, "--config",
        Host(fs::path(path).filename().string() + ".yaml",
             "archived_pattern: " + archived + "\nactive_pattern: " + active +
                 "\npond_path: " + pond_path + "\n")});
  }
  std::string Log(const std::string& name) const { return logs_ + "/" + name; }
  void Append(const std::string& name, const std::string& bytes) const {
    std::ofstream(Log(name), std::ios::binary | std::ios::app) << bytes;
  }
  // A run that succeeds; its stdout.
  std::string Ingested(const std::string& node = "/etc/ingest") const {
    RunResult r = P({"run", node});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }
  // What the real b3sum prints for the files of `dirs`, named by base name and sorted
  // by it: what `pond run NODE b3sum` must print for a pond_path mirroring them.
  static std::string HostB3sum(const std::vector<std::string>& dirs) {
    std::vector<std::string> paths;
    for (const std::string& dir : dirs)
      for (const auto& e : fs::directory_iterator(dir)) paths.push_back(e.path().string());
    std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
      return fs::path(a).filename() < fs::path(b).filename();
    });
    std::string out;
    for (const std::string& p : paths) {
      RunResult r = testing::Run("b3sum", {"--no-names", p});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      out += r.out.substr(0, 64) + "  " + fs::path(p).filename().string() + "\n";
    }
    return out;
  }
  // The node's b3sum is the host files', and `cat` of each copy their bytes.
  void ExpectMirrorsHost(const std::string& node = "/etc/ingest",
                         std::vector<std::string> dirs = {}) const {
    if (dirs.empty()) dirs = {logs_};
    EXPECT_EQ(Ok({"run", node, "b3sum"}), HostB3sum(dirs));
    for (const std::string& dir : dirs)
      for (const auto& e : fs::directory_iterator(dir))
        EXPECT_TRUE(Ok({"cat", "/ingest/" + e.path().filename().string()}) == ReadFile(e.path()))
            << "cat differs from " << e.path();
  }
  // The pond's last transaction.
  std::string Seq() const {
    const std::string log = Ok({"log", "--limit", "1"});
    return log.substr(0, log.find(' '));
  }
  int Versions(const std::string& name) const {
    const std::string d = Ok({"describe", "/ingest/" + name});
    const size_t at = d.find("versions: ");
    return at == std::string::npos ? 0 : std::stoi(d.substr(at + 10));
  }
  // The pond as a reader and the blob store see it: the log, each copy's hash and
  // bytes (of all of /ingest, whichever node's), and the blob files.
  std::string PondState() const {
    std::string state = Ok({"log"});
    const std::string sums = Ok({"run", "/etc/ingest", "b3sum"});
    state += sums;
    for (size_t at = 0; at < sums.size(); at = sums.find('\n', at) + 1) {
      const std::string name = sums.substr(at + 66, sums.find('\n', at) - at - 66);
      state += name + ":\n" + Ok({"cat", "/ingest/" + name});
    }
    std::vector<std::string> blobs;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
      blobs.push_back(e.path().string());
    std::sort(blobs.begin(), blobs.end());
    for (const std::string& b : blobs) state += b + "\n";
    return state;
  }
  // Runs the node in the background, stalled 1.5 s at its first write point (making the
  // blob store's temporary folder: its first host file is open and its copy's prefix
  // verified, no new byte read yet; or `first`, a path prefix of another first write
  // point), and returns once it is stalled there.
  std::unique_ptr<Background> Stalled(const std::string& node = "/etc/ingest",
                                      const std::string& first = "") const {
    auto run = std::make_unique<Background>(
        std::vector<std::string>{"run", node},
        Env({{"POND_FAULT_AT", "1"}, {"POND_FAULT_MODE", "stall:1500"}, {"POND_LOG", "debug"}}));
    for (int i = 0; i < 2000 && run->ErrSoFar().find("stalling ") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_THAT(run->ErrSoFar(),
                HasSubstr("stalling 1500 ms at write point 1 (" +
                          (first.empty() ? "mkdir " + dir_ + "/blobs/tmp)" : first)));
    return run;
  }
  // The summary of a run that changed something.
  static std::string Summary(int added, int64_t bytes, int appended_files, int64_t appended,
                             int unchanged) {
    return "Logfile ingestion complete: " + std::to_string(added) + " new (" +
           std::to_string(bytes) + " bytes), " + std::to_string(appended_files) + " appended (+" +
           std::to_string(appended) + " bytes), " + std::to_string(unchanged) + " unchanged\n";
  }
  static std::string Appending(const std::string& name, int64_t from, int64_t to) {
    return "Appending to " + name + ": +" + std::to_string(to - from) + " bytes (" +
           std::to_string(from) + " -> " + std::to_string(to) + " bytes)\n";
  }

  std::string logs_ = tmp_ / "logs";
};

// The second run over an unchanged file ingests nothing and commits nothing.
class UnchangedFile : public LogfileIngest, public ::testing::WithParamInterface<int64_t> {};

TEST_P(UnchangedFile, IsIngestedOnce) {
  const int64_t size = GetParam();
  WriteFile(Log("app.log"), Lines(0, static_cast<int>(size / 32) + 1).substr(0, size));
  EXPECT_EQ(Ingested(), "Ingesting new file: app.log (" + std::to_string(size) + " bytes)\n" +
                            Summary(1, size, 0, 0, 0));
  ExpectMirrorsHost();
  const std::string log = Ok({"log"});
  EXPECT_EQ(Ingested(), "Logfile ingestion complete: no changes (1 files, " + std::to_string(size) +
                            " bytes total)\n");
  EXPECT_EQ(Ok({"log"}), log) << "the second run committed";
  EXPECT_EQ(Versions("app.log"), 1);
  ExpectMirrorsHost();
}

INSTANTIATE_TEST_SUITE_P(HalfAKilobyteAnd100Kilobytes, UnchangedFile,
                         ::testing::Values(512, 100 * 1024));

// A log growing as a collector's does: 40 KB, +40 KB, +10 lines, no change, +10 MB,
// +100 lines. Each growth is one appended version; the run without one commits nothing.
TEST_F(LogfileIngest, AGrowingLogIsAppendedRunByRun) {
  int line = 0;
  int64_t size = 0;
  int versions = 0;
  for (const int lines : {1280, 1280, 10, 0, 327680, 100}) {
    SCOPED_TRACE("+" + std::to_string(lines) + " lines");
    Append("app.log", Lines(line, lines));
    line += lines;
    const int64_t grown = static_cast<int64_t>(fs::file_size(Log("app.log")));
    const std::string log = Ok({"log"});
    const std::string out = Ingested();
    if (size == 0) {
      EXPECT_EQ(out, "Ingesting new file: app.log (40960 bytes)\n" + Summary(1, 40960, 0, 0, 0));
      ++versions;
    } else if (lines == 0) {
      EXPECT_EQ(out, "Logfile ingestion complete: no changes (1 files, " + std::to_string(size) +
                         " bytes total)\n");
      EXPECT_EQ(Ok({"log"}), log) << "a run without growth committed";
    } else {
      EXPECT_EQ(out, Appending("app.log", size, grown) + Summary(0, 0, 1, grown - size, 0));
      ++versions;
    }
    size = grown;
    EXPECT_EQ(Versions("app.log"), versions);
    ExpectMirrorsHost();
  }
  EXPECT_THAT(
      Ok({"list", "-l", "/ingest/app.log"}),
      ::testing::MatchesRegex("file:log +5 +" + std::to_string(size) + " .* /ingest/app.log\n"));
  // `b3sum --check` in the host folder reads what the node prints.
  RunResult check = testing::Run("sh", {"-c", "cd '" + logs_ + "' && b3sum --check"}, {},
                                 Ok({"run", "/etc/ingest", "b3sum"}));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "app.log: OK\n");
  EXPECT_THAT(Ok({"check"}), ::testing::EndsWith("\nok\n"));
}

// Rotation: app.log renamed app.log.1 and a new app.log written before the next run, longer
// or shorter than the copy: the copy is renamed with its history, the new file is new,
// later appends go to it, and the archive is left alone after.
class Rotation : public LogfileIngest, public ::testing::WithParamInterface<int> {};

TEST_P(Rotation, RenamesTheCopyAndIngestsTheNewFile) {
  const int new_lines = GetParam();
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  const std::string old_view = Seq();
  fs::rename(Log("app.log"), Log("app.log.1"));
  WriteFile(Log("app.log"), Lines(5000, new_lines, "new app.log"));
  const int64_t size = 32 * new_lines;
  EXPECT_EQ(Ingested(),
            "Rotation detected: app.log -> app.log.1 (matched content)\n"
            "Ingesting new file: app.log (" +
                std::to_string(size) + " bytes)\n" + Summary(1, size, 0, 0, 0));
  ExpectMirrorsHost();
  EXPECT_EQ(Versions("app.log.1"), 1);
  EXPECT_EQ(Versions("app.log"), 1);
  // History kept: the copy before the rotation still reads as app.log then.
  EXPECT_TRUE(Ok({"--at", old_view, "cat", "/ingest/app.log"}) == ReadFile(Log("app.log.1")));

  Append("app.log", Lines(9000, 10, "new app.log"));
  EXPECT_EQ(Ingested(), Appending("app.log", size, size + 320) + Summary(0, 0, 1, 320, 1));
  EXPECT_EQ(Versions("app.log"), 2);
  ExpectMirrorsHost();
  EXPECT_EQ(Ingested(), "Logfile ingestion complete: no changes (2 files, " +
                            std::to_string(3200 + size + 320) + " bytes total)\n");
  EXPECT_THAT(Ok({"check"}), ::testing::EndsWith("\nok\n"));
}

INSTANTIATE_TEST_SUITE_P(ToALongerOrAShorterFile, Rotation, ::testing::Values(300, 3));

// The log grew after the last run, then was rotated: its tail is appended to the copy
// before the rename, so the pond's app.log.1 is the whole host file.
TEST_P(Rotation, AppendsTheRotatedFilesTailFirst) {
  const int new_lines = GetParam();
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  Append("app.log", Lines(100, 20));
  fs::rename(Log("app.log"), Log("app.log.1"));
  WriteFile(Log("app.log"), Lines(5000, new_lines, "new app.log"));
  const int64_t size = 32 * new_lines;
  EXPECT_EQ(Ingested(), Appending("app.log", 3200, 3840) +
                            "Rotation detected: app.log -> app.log.1 (matched content)\n"
                            "Ingesting new file: app.log (" +
                            std::to_string(size) + " bytes)\n" + Summary(1, size, 1, 640, 0));
  ExpectMirrorsHost();
  EXPECT_EQ(Versions("app.log.1"), 2);  // the tail is an appended version
}

// A run between the rename and the new file's creation finds the active file gone: its
// copy is completed from the archive and renamed, as in any rotation, rather than the
// archive ingested anew beside it (after which every run failed the prefix check).
TEST_F(LogfileIngest, ARunBeforeTheNewFileIsMadeSeesTheRotation) {
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  Append("app.log", Lines(100, 10));
  fs::rename(Log("app.log"), Log("app.log.1"));
  EXPECT_EQ(Ingested(), Appending("app.log", 3200, 3520) +
                            "Rotation detected: app.log -> app.log.1 (matched content)\n" +
                            Summary(0, 0, 1, 320, 0));
  ExpectMirrorsHost();
  EXPECT_EQ(Ok({"list", "/ingest/*"}), "/ingest/app.log.1\n");
  WriteFile(Log("app.log"), Lines(0, 200, "new app.log"));
  EXPECT_EQ(Ingested(), "Ingesting new file: app.log (6400 bytes)\n" + Summary(1, 6400, 0, 0, 1));
  Append("app.log", Lines(200, 10, "new app.log"));
  EXPECT_EQ(Ingested(), Appending("app.log", 6400, 6720) + Summary(0, 0, 1, 320, 1));
  ExpectMirrorsHost();
}

// Rewritten larger and different, no archive: refused in one line, nothing written.
TEST_F(LogfileIngest, ARewrittenLogIsRefusedAndThePondKeepsItsBytes) {
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  const std::string before = PondState();
  WriteFile(Log("app.log"), Lines(0, 300, "rewritten"));
  RunResult r = P({"run", "/etc/ingest"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(LineCount(r.err), 1u) << r.err;
  EXPECT_THAT(r.err,
              ::testing::StartsWith("pond: error: Prefix verification failed for app.log: "));
  EXPECT_THAT(r.err, HasSubstr("File may have been rotated during ingestion."));
  EXPECT_EQ(PondState(), before);
  // Written back as it was and grown, it is appended again.
  WriteFile(Log("app.log"), Lines(0, 110));
  EXPECT_EQ(Ingested(), Appending("app.log", 3200, 3520) + Summary(0, 0, 1, 320, 0));
  ExpectMirrorsHost();
}

// A same-size rewrite with no archive is only warned about: no size tells it apart.
TEST_F(LogfileIngest, ASameSizeRewriteIsAWarning) {
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  const std::string before = PondState();
  WriteFile(Log("app.log"), Lines(0, 100, "rewritten"));
  RunResult r = P({"run", "/etc/ingest"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "pond: warning: app.log changed but no matching archived file found\n");
  EXPECT_EQ(PondState(), before);
}

// An "immutable" archive that changed (other bytes of the same size, with or without
// its stat noted by an earlier run; another size) fails the run with the pond as it was.
TEST_F(LogfileIngest, AChangedArchiveIsRefused) {
  WriteFile(Log("app.log"), Lines(0, 10));
  WriteFile(Log("app.log.1"), Lines(0, 100, "archive"));
  Ingested();
  const std::string before = PondState();
  const std::string refused =
      "pond: error: Archived file app.log.1 CHANGED - violates "
      "immutability assumption! (" +
      Log("app.log.1") + ")\n";
  const auto expect_refused = [&](const std::string& bytes) {
    WriteFile(Log("app.log.1"), bytes);
    fs::last_write_time(Log("app.log.1"), fs::file_time_type::clock::now() + std::chrono::hours(1));
    RunResult r = P({"run", "/etc/ingest"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, refused);
    EXPECT_EQ(PondState(), before);
  };
  {
    SCOPED_TRACE("same size, never hashed since its ingestion");
    expect_refused(Lines(0, 100, "archived"));
  }
  WriteFile(Log("app.log.1"), Lines(0, 100, "archive"));
  EXPECT_THAT(Ingested(), HasSubstr("no changes (2 files,"));  // hashed, its stat noted
  {
    SCOPED_TRACE("same size, its stat noted");
    expect_refused(Lines(0, 100, "archived"));
  }
  {
    SCOPED_TRACE("another size");
    expect_refused(Lines(0, 101, "archive"));
  }
}

// A shorter active file and no archive to explain it: warned about, nothing committed.
TEST_F(LogfileIngest, AShrunkLogIsAWarning) {
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  const std::string before = PondState();
  WriteFile(Log("app.log"), Lines(0, 10));
  RunResult r = P({"run", "/etc/ingest"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "pond: warning: app.log changed but no matching archived file found\n"
            "pond: warning: app.log shrunk from 3200 bytes to 320 bytes; nothing ingested\n");
  EXPECT_EQ(r.out, "Logfile ingestion complete: no changes (1 files, 320 bytes total)\n");
  EXPECT_EQ(PondState(), before);
}

// An OTLP record older than the ones before it, appended by a later run, is one
// more row of the copy and lands in its own (earlier) bucket of a reduce.
TEST_F(LogfileIngest, ALateOtlpRecordLandsInItsEarlierBucket) {
  Node("/etc/otel", logs_ + "/x-*.json", logs_ + "/x.json", "/ingest");
  OtlpGauges spec;
  spec.gauges = 1;
  spec.step_micros = 3600'000000;  // an hour a line
  spec.value = [](int64_t line, int) { return line + 0.5; };
  for (int i = 1; i <= 3; ++i) Append("x.json", OtlpLine(spec, i) + "\n");
  Ingested("/etc/otel");
  Ok({"mknod", "temporal-reduce", "/reduced", "--config", Host("reduce.yaml", R"(
in_pattern: "oteljson:///ingest/*.json"
out_pattern: x
time_column: timestamp
resolutions: [1h]
allowed_lateness: 14d
aggregations:
  - {type: avg, columns: ["*"]}
)")});
  const std::string three =
      "2024-01-01 01:00:00,1.5\n2024-01-01 02:00:00,2.5\n"
      "2024-01-01 03:00:00,3.5\n";
  EXPECT_EQ(Ok({"cat", "/reduced/x/res=1h.series", "--format", "csv"}),
            "timestamp,gauge_00.avg\n" + three);

  Append("x.json", OtlpLine(spec, 0) + "\n");  // 00:00, after 03:00
  EXPECT_THAT(Ingested("/etc/otel"), HasSubstr("Appending to x.json: "));
  ExpectMirrorsHost("/etc/otel");
  RunResult rows = P({"cat", "oteljson:///ingest/x.json", "--format", "csv"});
  EXPECT_EQ(rows.exit_code, 0) << rows.err;
  EXPECT_EQ(rows.err, "");
  EXPECT_EQ(rows.out, "timestamp,gauge_00\n2024-01-01 00:00:00,0.5\n" + three);
  RunResult reduced = P({"cat", "/reduced/x/res=1h.series", "--format", "csv"});
  EXPECT_EQ(reduced.exit_code, 0) << reduced.err;
  EXPECT_EQ(reduced.err, "");
  EXPECT_EQ(reduced.out, "timestamp,gauge_00.avg\n2024-01-01 00:00:00,0.5\n" + three);
}

// Nodes sharing a pond_path (selfmon's share /measure): each run lists, appends,
// rotates and reports only its own host files; b3sum prints the whole directory.
TEST_F(LogfileIngest, NodesSharingAPondPathTouchOnlyTheirOwnFiles) {
  const std::string sys = tmp_ / "sys";
  fs::create_directory(sys);
  Node("/etc/sys", sys + "/sys.log.*", sys + "/sys.log", "/ingest");
  WriteFile(Log("app.log"), Lines(0, 100));
  WriteFile(sys + "/sys.log", Lines(0, 50, "sys.log"));
  WriteFile(sys + "/sys.log.1", Lines(0, 70, "sys.log.1"));
  EXPECT_EQ(Ingested(), "Ingesting new file: app.log (3200 bytes)\n" + Summary(1, 3200, 0, 0, 0));
  EXPECT_EQ(Ingested("/etc/sys"),
            "Ingesting new file: sys.log (1600 bytes)\n"
            "Ingesting new file: sys.log.1 (2240 bytes)\n" +
                Summary(2, 3840, 0, 0, 0));
  ExpectMirrorsHost("/etc/ingest", {logs_, sys});
  EXPECT_EQ(Ok({"run", "/etc/sys", "b3sum"}), Ok({"run", "/etc/ingest", "b3sum"}));

  // app.log rotates and sys.log grows: each run sees only its own change.
  fs::rename(Log("app.log"), Log("app.log.1"));
  WriteFile(Log("app.log"), Lines(0, 5, "new app.log"));
  std::ofstream(sys + "/sys.log", std::ios::app) << Lines(50, 10, "sys.log");
  EXPECT_EQ(Ingested("/etc/sys"), Appending("sys.log", 1600, 1920) + Summary(0, 0, 1, 320, 1));
  EXPECT_EQ(Ingested(),
            "Rotation detected: app.log -> app.log.1 (matched content)\n"
            "Ingesting new file: app.log (160 bytes)\n" +
                Summary(1, 160, 0, 0, 0));
  EXPECT_THAT(Ingested(), HasSubstr("no changes (2 files, 3360 bytes total)"));
  EXPECT_THAT(Ingested("/etc/sys"), HasSubstr("no changes (2 files, 4160 bytes total)"));
  ExpectMirrorsHost("/etc/ingest", {logs_, sys});
}

// A run ingests the sizes it saw at its start: bytes written while it
// runs, here while it is stalled after opening the host file and before reading the
// new bytes, wait for the next run.
TEST_F(LogfileIngest, GrowthDuringARunWaitsForTheNextRun) {
  WriteFile(Log("app.log"), Lines(0, 100));
  Ingested();
  Append("app.log", Lines(100, 50));
  const std::string seen = ReadFile(Log("app.log"));
  std::unique_ptr<Background> run = Stalled();
  Append("app.log", Lines(150, 25));
  RunResult r = run->Finish();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Appending("app.log", 3200, 4800) + Summary(0, 0, 1, 1600, 0));
  EXPECT_TRUE(Ok({"cat", "/ingest/app.log"}) == seen);
  EXPECT_EQ(Ingested(), Appending("app.log", 4800, 5600) + Summary(0, 0, 1, 800, 0));
  ExpectMirrorsHost();
}

// A rotation between the size check and the read: the run, stalled appending one
// active file, finds the other rewritten when it reads it, and refuses with the pond
// unchanged; the next run sees the rotation.
TEST_F(LogfileIngest, ARotationDuringARunIsRefusedThenFoundNextRun) {
  Node("/etc/two", logs_ + "/*.log.1", logs_ + "/*.log", "/ingest");
  WriteFile(Log("a.log"), Lines(0, 10, "a.log"));
  WriteFile(Log("b.log"), Lines(0, 10, "b.log"));
  Ingested("/etc/two");
  Append("a.log", Lines(10, 10, "a.log"));
  Append("b.log", Lines(10, 10, "b.log"));
  const std::string before = PondState();

  std::unique_ptr<Background> run = Stalled("/etc/two");
  fs::rename(Log("b.log"), Log("b.log.1"));
  WriteFile(Log("b.log"), Lines(0, 30, "new b.log"));
  RunResult r = run->Finish();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("pond: error: Prefix verification failed for b.log: "));
  EXPECT_EQ(PondState(), before);

  EXPECT_EQ(Ingested("/etc/two"), Appending("a.log", 320, 640) + Appending("b.log", 320, 640) +
                                      "Rotation detected: b.log -> b.log.1 (matched content)\n"
                                      "Ingesting new file: b.log (960 bytes)\n" +
                                      Summary(1, 960, 2, 640, 0));
  ExpectMirrorsHost("/etc/two");
}

// An archive changed while a run is under way, after the run hashed it, is hashed
// again by the next run: what the run notes is the stat it saw before hashing.
TEST_F(LogfileIngest, AnArchiveChangedDuringARunIsCaughtNextRun) {
  WriteFile(Log("app.log"), Lines(0, 10));
  WriteFile(Log("app.log.1"), Lines(0, 100, "archive"));
  Ingested();
  Append("app.log", Lines(10, 10));  // so that the run writes, and can be stalled
  // The archive, stored whole by the first run, has its stat noted: the run's first
  // write marks the note used, after every stat of the run was taken.
  std::unique_ptr<Background> run = Stalled("/etc/ingest", "touch " + dir_ + "/cache/logfile-stat/");
  WriteFile(Log("app.log.1"), Lines(0, 100, "archived"));
  RunResult r = run->Finish();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = P({"run", "/etc/ingest"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: Archived file app.log.1 CHANGED - violates immutability "
            "assumption! (" +
                Log("app.log.1") + ")\n");
}

TEST_F(LogfileIngest, PullIsANoOpAndOtherActionsAreUsageErrors) {
  WriteFile(Log("app.log"), Lines(0, 10));
  const std::string log = Ok({"log"});
  EXPECT_EQ(Ok({"run", "/etc/ingest", "pull"}),
            "logfile-ingest: pull has nothing to do (push ingests)\n");
  EXPECT_EQ(Ok({"log"}), log);
  EXPECT_EQ(Ok({"list", "/*"}), "/etc\n") << "pull made the pond_path";
  EXPECT_EQ(Ok({"run", "/etc/ingest", "b3sum"}), "");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "/etc/ingest", "collect"},
        std::vector<std::string>{"run", "/etc/ingest", "push", "now"}}) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "pond: error: factory 'logfile-ingest' runs push (the default), pull or b3sum "
              "(/etc/ingest)\n");
  }
  EXPECT_EQ(Ok({"log"}), log);
  EXPECT_EQ(Ok({"run", "/etc/ingest", "push"}),
            "Ingesting new file: app.log (320 bytes)\n" + Summary(1, 320, 0, 0, 0));
  ExpectMirrorsHost();
}

// A bad config is refused by mknod in one line naming the field.
TEST_F(LogfileIngest, ABadConfigIsOneLineNamingTheField) {
  const std::string good = "archived_pattern: /logs/app.log.*\nactive_pattern: /logs/app.log\n";
  struct Case {
    std::string yaml, error, line;
  };
  for (const auto& [yaml, error, line] : std::vector<Case>{
           {good, "missing field 'pond_path'", "1"},
           {"archived_pattern: logs/app.log.*\nactive_pattern: /logs/app.log\npond_path: /i\n",
            "field 'archived_pattern' must be an absolute host glob", "1"},
           {"archived_pattern: /logs/app.log.*\nactive_pattern: ''\npond_path: /i\n",
            "field 'active_pattern' must be an absolute host glob", "2"},
           {good + "pond_path: /i\nrotate: daily\n", "unknown field 'rotate'", "4"},
           {good + "pond_path: i\n", "field 'pond_path': pond paths must start with '/': i", "3"},
       }) {
    SCOPED_TRACE(yaml);
    const std::string config = Host("bad.yaml", yaml);
    RunResult r = P({"mknod", "logfile-ingest", "/etc/bad", "--config", config});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "pond: error: " + error + " (" + config + ":" + line + ")\n");
  }
  EXPECT_EQ(Ok({"list", "/etc/*"}), "/etc/ingest\n");
}

}  // namespace
}  // namespace pond::testing
