// Differential test of the template engine against Tera 1.17.1 (docs/templates.md,
// "Conformance tests"): every folder of tests/tera is one case, rendered with
// `pond render`. Where the oracle succeeded (expected.out) the output must be
// byte-identical; where it failed (expected.err) pond must fail with one error line.
// tools/regen-tera-expected.sh regenerates the expected files from the oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/scenario.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
using testing::Pond;
using testing::ReadFile;
using testing::RunResult;

const fs::path& CorpusDir() {
  static const fs::path dir = fs::path(POND_SOURCE_DIR) / "tests" / "tera";
  return dir;
}

// Case names (folder names), sorted, so test names are stable.
std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(CorpusDir(), ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The case's main template (`main.tera`, `main.html`, ...); empty if not exactly one.
fs::path MainTemplate(const fs::path& dir) {
  fs::path found;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string().rfind("main.", 0) == 0) {
      found = entry.path();
      ++count;
    }
  }
  return count == 1 ? found : fs::path();
}

// Shows bytes so that whitespace differences are visible.
std::string Visible(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : std::string(1, c);
  }
  return out;
}

// A short hint: where the outputs first differ, with a little context each side.
std::string DiffHint(const std::string& expected, const std::string& actual) {
  size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  size_t line = 1 + static_cast<size_t>(std::count(expected.begin(), expected.begin() + i, '\n'));
  size_t from = i > 40 ? i - 40 : 0;
  std::ostringstream os;
  os << "outputs differ at byte " << i << " (line " << line << "); expected " << expected.size()
     << " bytes, got " << actual.size() << "\n  expected: …" << Visible(expected.substr(from, 120))
     << "\n  actual:   …" << Visible(actual.substr(from, 120));
  return os.str();
}

TEST(TeraCorpus, IsWellFormed) {
  std::vector<std::string> names = CaseNames();
  EXPECT_GE(names.size(), 450u) << "corpus missing or incomplete in " << CorpusDir();
  for (const auto& name : names) {
    fs::path dir = CorpusDir() / name;
    EXPECT_FALSE(MainTemplate(dir).empty()) << name << ": needs exactly one main.* template";
    EXPECT_TRUE(fs::is_regular_file(dir / "ctx.json")) << name << ": missing ctx.json";
    EXPECT_NE(fs::exists(dir / "expected.out"), fs::exists(dir / "expected.err"))
        << name << ": needs exactly one of expected.out / expected.err";
  }
}

class TeraConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(TeraConformance, MatchesTera) {
  fs::path dir = CorpusDir() / GetParam();
  fs::path main = MainTemplate(dir);
  ASSERT_FALSE(main.empty()) << "no main.* template in " << dir;
  RunResult r = Pond({"render", main.string(), "--context", (dir / "ctx.json").string()});
  if (fs::exists(dir / "expected.out")) {
    std::string expected = ReadFile(dir / "expected.out");
    ASSERT_EQ(r.exit_code, 0) << "Tera renders this case, pond failed: " << r.err;
    EXPECT_TRUE(r.out == expected) << DiffHint(expected, r.out);
  } else {
    ASSERT_TRUE(fs::exists(dir / "expected.err")) << "no expected.out / expected.err in " << dir;
    EXPECT_EQ(r.exit_code, 1) << "Tera fails with:\n"
                              << ReadFile(dir / "expected.err") << "pond printed:\n"
                              << Visible(r.out);
    bool one_error_line = r.err.rfind("pond: error: ", 0) == 0 && !r.err.empty() &&
                          r.err.back() == '\n' && std::count(r.err.begin(), r.err.end(), '\n') == 1;
    EXPECT_TRUE(one_error_line) << "stderr must be exactly one line `pond: error: …`, got:\n"
                                << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Tera, TeraConformance, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace pond
