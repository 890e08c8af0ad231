#include "logfile/plan.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond::logfile {
namespace {

// Host files as texts; a "hash" of a prefix is the prefix itself, so a mismatch is a
// different text. Counts the hashes asked for.
struct Host {
  std::map<std::string, std::string> files;  // path → bytes
  std::vector<HostFile> list;
  int hashes = 0;
  void Add(const std::string& name, const std::string& bytes, bool active) {
    files["/logs/" + name] = bytes;
    list.push_back({"/logs/" + name, name, static_cast<int64_t>(bytes.size()), active});
  }
  PrefixHash Hasher() {
    return [this](const std::string& path, int64_t n) {
      ++hashes;
      return files.at(path).substr(0, static_cast<size_t>(n));
    };
  }
};

PondCopy Copy(const std::string& bytes) { return {static_cast<int64_t>(bytes.size()), bytes}; }
const auto kUnchanged = [](const std::string&) { return false; };
const auto kChanged = [](const std::string&) { return true; };

TEST(PlanRun, NewFilesThenAppendsOfVerifiedPrefixes) {
  Host h;
  h.Add("app.log", "line1\nline2\n", true);
  h.Add("app.log.1", "old\n", false);
  Plan p = PlanRun(h.list, {}, {}, h.Hasher(), kUnchanged);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kNew);
  EXPECT_EQ(p.steps[0].to, 12);
  EXPECT_EQ(p.steps[1].name, "app.log.1");

  p = PlanRun(h.list, {{"app.log", Copy("line1\n")}, {"app.log.1", Copy("old\n")}}, {}, h.Hasher(),
              kUnchanged);
  ASSERT_EQ(p.steps.size(), 1u);  // the append verifies `from` bytes, then adds the rest
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kAppend);
  EXPECT_EQ(p.steps[0].from, 6);
  EXPECT_EQ(p.steps[0].to, 12);
  EXPECT_EQ(p.unchanged, 1);
}

// The append verifies the active prefix as it reads: planning hashes nothing.
TEST(PlanRun, AnActiveFileIsNotHashedByThePlan) {
  Host h;
  h.Add("app.log", "line1\nline2\n", true);
  PlanRun(h.list, {{"app.log", Copy("line1\n")}}, {}, h.Hasher(), kUnchanged);
  EXPECT_EQ(h.hashes, 0);
}

TEST(PlanRun, AShorterActiveFileIsARotationFoundByContent) {
  Host h;
  h.Add("app.log", "new\n", true);                     // shorter than the copy
  h.Add("app.log.1", "line1\nline2\nline3\n", false);  // grew after the last run, then rotated
  h.Add("app.log.2", "line1\nXXXXX\n", false);          // as long, other bytes
  Plan p = PlanRun(h.list, {{"app.log", Copy("line1\nline2\n")}}, {}, h.Hasher(), kChanged);
  ASSERT_EQ(p.steps.size(), 3u);
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kRotate);
  EXPECT_EQ(p.steps[0].name, "app.log");
  EXPECT_EQ(p.steps[0].host, "/logs/app.log.1");
  EXPECT_EQ(p.steps[0].rename_to, "app.log.1");
  EXPECT_EQ(p.steps[0].from, 12);
  EXPECT_EQ(p.steps[0].to, 18);
  // Then the active file anew, and the other archive as a new file.
  EXPECT_EQ(p.steps[1].kind, Step::Kind::kNew);
  EXPECT_EQ(p.steps[1].name, "app.log");
  EXPECT_EQ(p.steps[1].to, 4);
  EXPECT_EQ(p.steps[2].name, "app.log.2");
  EXPECT_TRUE(p.warnings.empty());
}

// Between the rename and the new file's creation the active file is gone: its copy is
// completed from the archive and renamed, and the archive is not new.
TEST(PlanRun, AGoneActiveFileIsARotationFoundByContent) {
  Host h;
  h.Add("app.log.1", "line1\nline2\nline3\n", false);
  const std::map<std::string, PondCopy> pond{{"app.log", Copy("line1\nline2\n")}};
  Plan p = PlanRun(h.list, pond, {"app.log"}, h.Hasher(), kChanged);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kRotate);
  EXPECT_EQ(p.steps[0].rename_to, "app.log.1");
  EXPECT_EQ(p.steps[0].from, 12);
  EXPECT_EQ(p.steps[0].to, 18);
  EXPECT_TRUE(p.warnings.empty());
  // No archive matches: nothing to do, nothing to say (the file may come back).
  h.files["/logs/app.log.1"] = "other\nbytes\nhere\n";
  p = PlanRun(h.list, pond, {"app.log"}, h.Hasher(), kChanged);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kNew);
  EXPECT_EQ(p.steps[0].name, "app.log.1");
  EXPECT_TRUE(p.warnings.empty());
}

// A longer active file whose copy is not its prefix is found by the append; then the
// runner asks FindRotation.
TEST(FindRotation, TheArchivedFileWhosePrefixIsTheCopy) {
  Host h;
  h.Add("app.log", "new1\nnew2\nnew3\n", true);
  h.Add("app.log.1", "line1\nline2\nline3\n", false);
  const std::map<std::string, PondCopy> pond{{"app.log", Copy("line1\nline2\n")}};
  const HostFile* y = FindRotation(pond.at("app.log"), h.list, pond, h.Hasher());
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->name, "app.log.1");
  // One already in the pond is not a candidate.
  EXPECT_EQ(FindRotation(pond.at("app.log"), h.list,
                         {{"app.log", Copy("line1\nline2\n")}, {"app.log.1", Copy("x")}},
                         h.Hasher()),
            nullptr);
}

TEST(PlanRun, AShrunkFileWithoutArchiveIsAWarningOnly) {
  Host h;
  h.Add("app.log", "abc", true);
  Plan p = PlanRun(h.list, {{"app.log", Copy("abcdef")}}, {}, h.Hasher(), kUnchanged);
  EXPECT_TRUE(p.steps.empty());
  ASSERT_EQ(p.warnings.size(), 2u);
  EXPECT_EQ(p.warnings[0], "app.log changed but no matching archived file found");
  EXPECT_EQ(p.warnings[1], "app.log shrunk from 6 bytes to 3 bytes; nothing ingested");
}

TEST(PlanRun, AChangedArchiveIsRefused) {
  Host h;
  h.Add("app.log.1", "other", false);
  // Same size: only a hash tells, and only when the host file may have changed.
  EXPECT_EQ(PlanRun(h.list, {{"app.log.1", Copy("older")}}, {}, h.Hasher(), kUnchanged).unchanged,
            1);
  EXPECT_THROW(PlanRun(h.list, {{"app.log.1", Copy("older")}}, {}, h.Hasher(), kChanged), Error);
  // Another size tells without a hash.
  h.hashes = 0;
  EXPECT_THROW(PlanRun(h.list, {{"app.log.1", Copy("old")}}, {}, h.Hasher(), kUnchanged), Error);
  EXPECT_EQ(h.hashes, 0);
}

}  // namespace
}  // namespace pond::logfile
