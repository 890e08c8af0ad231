// `${env:NAME}`, `${env:NAME:-default}` and `$$` in stored configs, through the `pond`
// binary: only the unexpanded text is stored, every read expands it again with the
// environment of that command, and an unset variable is one line naming it and the node.
#include <gmock/gmock.h>

#include "factories_fixture.h"

namespace pond::testing {
namespace {

class EnvRefsTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    CopySeries("a.csv", SiteCsv({"2024-07-01 00:00:00", 4, "", "", 0, false}), "/raw/a.series");
    // The variable picks the column, the default the row limit; `$$` is one `$`.
    const std::string config = Host("picked.yaml",
                                    "patterns: {a: /raw/a.series}\n"
                                    "query: SELECT \"${env:POND_TEST_COLUMN}\" AS v, '$$1' AS d "
                                    "FROM a ORDER BY 1 LIMIT ${env:POND_TEST_NEVER_SET:-2}\n");
    // mknod validates the expanded text, so it needs the variable too.
    Ok({"mknod", "sql-derived-table", "/picked", "--config", config},
       {{"POND_TEST_COLUMN", "Temperature.C"}});
  }
  std::string Picked(const std::string& column) {
    return Ok({"cat", "/picked", "--format", "csv"}, {{"POND_TEST_COLUMN", column}});
  }
};

TEST_F(EnvRefsTest, EveryReadExpandsWithItsOwnEnvironment) {
  EXPECT_EQ(Picked("Temperature.C"), "v,d\n10.0,$1\n11.75,$1\n");
  EXPECT_EQ(Picked("DO.mg/L"), "v,d\n8.0,$1\n8.375,$1\n");
}

// Secrets are never stored: no file of the pond holds the expanded value, one holds
// the reference.
TEST_F(EnvRefsTest, TheStoredTextIsTheUnexpandedOne) {
  Picked("Temperature.C");
  bool reference = false;
  for (const auto& e : std::filesystem::recursive_directory_iterator(pond_dir_)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = ReadFile(e.path());
    EXPECT_EQ(bytes.find("Temperature.C\" AS v"), std::string::npos) << e.path();
    reference = reference || bytes.find("\"${env:POND_TEST_COLUMN}\" AS v") != std::string::npos;
  }
  EXPECT_TRUE(reference);
}

TEST_F(EnvRefsTest, AnUnsetVariableNamesItselfAndTheNode) {
  RunResult r = P({"cat", "/picked", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: Environment variable 'POND_TEST_COLUMN' not set and no default "
            "provided (/picked)\n");
}

}  // namespace
}  // namespace pond::testing
