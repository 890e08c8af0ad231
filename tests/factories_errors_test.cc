// mknod and list-factories through the `pond` binary: bad configs fail at mknod
// with one line naming field, file and line; a pattern matching nothing and cycles
// fail on read, in one line, exit 1, without hanging; -v vars and env() expand.
#include <gmock/gmock.h>

#include "factories_fixture.h"

namespace pond::testing {
namespace {

class FactoriesErrorsTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    CopySeries("a.csv", SiteCsv({"2024-07-01 00:00:00", 8, "", "", 0, false}), "/raw/a.series");
  }
};

TEST_F(FactoriesErrorsTest, ListFactoriesPrintsTheSpecTable) {
  EXPECT_EQ(pond::testing::Run(PondBinary(), {"list-factories"}).out,
            "column-rename        transform   rename/cast columns of an input\n"
            "dynamic-dir          dir         a directory of other dynamic nodes\n"
            "git-ingest           dir         a read-only subtree of a Git ref (run: pull, status, push)\n"
            "hydrovu              executable  collect HydroVu readings (run: collect)\n"
            "logfile-ingest       executable  mirror rotating host logs (run: push, b3sum)\n"
            "sitegen              executable  a static site from pages and exports (run: build)\n"
            "sql-derived-series   series      SQL over matched series\n"
            "sql-derived-table    table       SQL over matched tables/series\n"
            "temporal-reduce      dir         time-bucketed aggregates per match\n"
            "template             dir         one rendered file per match\n"
            "timeseries-join      series      full outer join of series on time\n"
            "timeseries-pivot     series      one column per matched series and column\n");
}

TEST_F(FactoriesErrorsTest, BadConfigsFailAtMknodAndCreateNothing) {
  const std::string ok = Host("ok.yaml", "inputs: [{pattern: /raw/a.series}]\n");
  Fails({"mknod", "nope", "/x", "--config", ok},
        "unknown factory 'nope' (see 'pond list-factories')");

  const std::string reduce = Host("reduce.yaml", R"(in_pattern: /combined/*
out_pattern: $0Downsampled
time_column: timestamp
resolution: [1h, 1d]
aggregations: [{type: avg}]
)");
  Fails({"mknod", "temporal-reduce", "/t", "--config", reduce},
        "unknown field 'resolution' (" + reduce + ":4)");
  const std::string missing =
      Host("missing.yaml", "out_pattern: $0\nresolutions: [1h]\naggregations: [{type: avg}]\n");
  Fails({"mknod", "temporal-reduce", "/t", "--config", missing},
        "missing field 'in_pattern' (" + missing + ":1)");
  const std::string type =
      Host("type.yaml", "inputs:\n  - pattern: /raw/a.series\n    scope: [a, b]\n");
  Fails({"mknod", "timeseries-join", "/t", "--config", type},
        "field 'scope' must be a string (" + type + ":3)");
  const std::string nested = Host("nested.yaml", R"(entries:
  - name: BDock
    factory: timeseries-join
    config:
      inputs:
        - pattern: /raw/a.series
          scopes: X
)");
  Fails({"mknod", "dynamic-dir", "/t", "--config", nested},
        "unknown field 'scopes' (" + nested + ":7)");
  Fails({"mknod", "timeseries-join", "/t", "--config", tmp_ / "absent.yaml"},
        "cannot read config file (" + tmp_ / "absent.yaml" + ")");
  EXPECT_EQ(Ok({"list", "/*"}), "/raw\n");
}

TEST_F(FactoriesErrorsTest, PatternMatchingNothingFailsOnRead) {
  Mknod("timeseries-join", "/j", "inputs: [{pattern: '/nothing/*.series'}]\n");
  // A join only fails when no input matches anything (issue #19).
  Fails({"cat", "/j"}, "no input matched anything: /nothing/*.series (/j)");
  Mknod("temporal-reduce", "/r",
        "in_pattern: /raw/*.table\nout_pattern: $0\nresolutions: [1h]\naggregations: [{type: "
        "avg}]\n");
  // Reading into the node fails, naming it; a listing warns and goes on.
  Fails({"cat", "/r/x.series"}, "dynamic node /r: pattern matched nothing (/raw/*.table)");
  RunResult list = P({"list", "/r/*"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out, "");
  EXPECT_EQ(list.err, "pond: warning: dynamic node /r: pattern matched nothing (/raw/*.table)\n");
  // Listing the parent never computes the node.
  EXPECT_EQ(Ok({"list", "/*"}), "/j\n/r\n/raw\n");
}

// Bad SQL is found at mknod when the inputs exist (the query is bound against their
// schemas), and otherwise on read, as one line naming the node: never DuckDB's
// multi-line report with blob paths.
TEST_F(FactoriesErrorsTest, BadSqlFailsAtMknodOrOnReadNamingTheNode) {
  const std::string log = Ok({"log"});
  const std::string syntax = Host("syntax.yaml", "patterns: {a: /raw/a.series}\nquery: SELECT * FORM a\n");
  Fails({"mknod", "sql-derived-series", "/s", "--config", syntax},
        "Parser Error: syntax error at or near \"a\" (/s)");
  const std::string column =
      Host("column.yaml", "patterns: {a: /raw/a.series}\nquery: SELECT nope FROM a\n");
  RunResult r = P({"mknod", "sql-derived-table", "/c", "--config", column});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::StartsWith("pond: error: Binder Error: Referenced column \"nope\" not found"));
  EXPECT_THAT(r.err, ::testing::EndsWith(" (/c)\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("blobs/"), std::string::npos) << r.err;
  EXPECT_EQ(Ok({"log"}), log);  // nothing committed

  // Inputs still to come: mknod accepts it; the read names the node.
  const std::string later = Host("later.yaml", "patterns: {b: /raw/b.series}\nquery: SELECT nope FROM b\n");
  Ok({"mknod", "sql-derived-series", "/later", "--config", later});
  CopySeries("b.csv", SiteCsv({"2024-07-01 00:00:00", 8, "", "", 0, false}), "/raw/b.series");
  r = P({"cat", "/later"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::StartsWith("pond: error: Binder Error: Referenced column \"nope\""));
  EXPECT_THAT(r.err, ::testing::EndsWith(" (/later)\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(FactoriesErrorsTest, CyclesFailInOneLine) {
  Mknod("timeseries-join", "/loop", "inputs: [{pattern: /loop}]\n");
  Fails({"cat", "/loop"}, "cycle: /loop -> /loop (/loop)");

  Mknod("timeseries-join", "/a",
        "inputs: [{pattern: /raw/a.series, scope: A}, {pattern: /b, scope: B}]\n");
  Mknod("sql-derived-series", "/b", "patterns: {a: /a}\nquery: SELECT * FROM a\n");
  Fails({"cat", "/a"}, "cycle: /a -> /b -> /a (/a)");
  Fails({"cat", "/b"}, "cycle: /b -> /a -> /b (/b)");

  // A dynamic directory whose pattern walks into itself.
  Mknod("temporal-reduce", "/self",
        "in_pattern: /**/*.series\nout_pattern: $0\nresolutions: [1h]\naggregations: [{type: "
        "avg}]\n");
  Fails({"cat", "/self/x.series"}, "cycle: /self -> /self (/self)");
  RunResult list = P({"list", "/self/*"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.err, "pond: warning: cycle: /self -> /self (/self)\n");
}

TEST_F(FactoriesErrorsTest, VarsGivenAtMknodAreDefaultsAndEnvIsReadOnUse) {
  const std::string cfg =
      Host("vars.yaml", "inputs:\n  - pattern: /raw/{{ file }}\n    scope: {{ scope }}\n");
  RunResult unset = P({"mknod", "timeseries-join", "/v", "--config", cfg});
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_EQ(Lines(unset.err), 1u);
  EXPECT_THAT(unset.err, ::testing::HasSubstr("file"));
  EXPECT_THAT(unset.err, ::testing::HasSubstr(cfg + ":2:"));
  Ok({"mknod", "timeseries-join", "/v", "--config", cfg, "-v", "file=a.series", "-v", "scope=S"});
  EXPECT_EQ(CatCsv("/v", "SELECT * FROM series LIMIT 0"), "timestamp,S.Temperature.C,S.DO.mg/L\n");
  EXPECT_EQ(Ok({"cat", "/v", "--format", "csv", "--sql", "SELECT * FROM series LIMIT 0", "-v",
                "scope=T"}),
            "timestamp,T.Temperature.C,T.DO.mg/L\n");

  const std::string env =
      Host("env.yaml", "inputs: [{pattern: '{{ env(name=\"POND_TEST_INPUT\") }}'}]\n");
  RunResult r = P({"mknod", "timeseries-join", "/e", "--config", env});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("POND_TEST_INPUT"), std::string::npos) << r.err;
  Ok({"mknod", "timeseries-join", "/e", "--config", env}, {{"POND_TEST_INPUT", "/raw/a.series"}});
  EXPECT_EQ(Lines(Ok({"cat", "/e", "--format", "csv"}, {{"POND_TEST_INPUT", "/raw/a.series"}})),
            9u);
  // The stored config is the raw text: the value of the variable is not in the pond.
  EXPECT_EQ(Lines(Ok({"cat", "/e", "--format", "csv"}, {{"POND_TEST_INPUT", "/raw/*.series"}})),
            9u);
}

TEST_F(FactoriesErrorsTest, OverwriteAddsAConfigVersionAndAtShowsTheOldOne) {
  const std::string one = Host("one.yaml", "inputs: [{pattern: /raw/a.series, scope: One}]\n");
  const std::string created = Ok({"mknod", "timeseries-join", "/o", "--config", one});
  ASSERT_EQ(created.rfind("created /o (timeseries-join) in transaction ", 0), 0u) << created;
  const std::string seq =
      created.substr(created.rfind(' ') + 1, created.size() - created.rfind(' ') - 2);
  const std::string two = Host("two.yaml", "inputs: [{pattern: /raw/a.series, scope: Two}]\n");
  RunResult r = P({"mknod", "timeseries-join", "/o", "--config", two});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      Ok({"mknod", "timeseries-join", "/o", "--config", two, "--overwrite"}).rfind("updated /o", 0),
      0u);
  EXPECT_EQ(CatCsv("/o", "SELECT * FROM series LIMIT 0"),
            "timestamp,Two.Temperature.C,Two.DO.mg/L\n");
  // Inputs and config both as of the transaction: the data appended later is absent.
  CopySeries("b.csv", SiteCsv({"2024-08-01 00:00:00", 4, "", "", 0, false}), "/raw/a.series");
  EXPECT_EQ(Ok({"cat", "/o", "--at", seq, "--format", "csv", "--sql",
                "SELECT count(*) AS n FROM series"}),
            "n\n8\n");
  EXPECT_EQ(
      Ok({"cat", "/o", "--at", seq, "--format", "csv", "--sql", "SELECT * FROM series LIMIT 0"}),
      "timestamp,One.Temperature.C,One.DO.mg/L\n");
  EXPECT_EQ(CatCsv("/o", "SELECT count(*) AS n FROM series"), "n\n12\n");
}

TEST_F(FactoriesErrorsTest, HydroVuConfigIsValidatedByTheCollector) {
  const std::string cfg = Host("hydrovu.yaml", R"(client_id: abc
client_secret: '{{ env(name="POND_TEST_HYDROVU_SECRET") }}'
devices:
  - {name: BDock, id: 123}
)");
  RunResult r = P({"mknod", "hydrovu", "/etc/hydrovu", "--config", cfg});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("POND_TEST_HYDROVU_SECRET"));
  Ok({"mkdir", "/etc"});
  Ok({"mknod", "hydrovu", "/etc/hydrovu", "--config", cfg},
     {{"POND_TEST_HYDROVU_SECRET", "s3cret"}});
  // Listing needs no secret: the config is not expanded to list the node.
  EXPECT_EQ(Ok({"list", "/etc/*"}), "/etc/hydrovu\n");
  const std::string bad =
      Host("bad-hydrovu.yaml", "client_id: abc\nclient_secret: x\ndevice: []\n");
  Fails({"mknod", "hydrovu", "/etc/other", "--config", bad},
        "unknown field 'device' (" + bad + ":3)");
}

}  // namespace
}  // namespace pond::testing
