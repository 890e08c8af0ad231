// Config rules (docs/factories.md): expansion, field errors with file and line,
// out_pattern substitution, and every factory's Validate on good and bad configs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "base/error.h"
#include "factories/config.h"
#include "factories/factory.h"

namespace pond::factories {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string ValidateError(const std::string& factory, const std::string& yaml,
                          const std::map<std::string, std::string>& vars = {}) {
  return ErrorOf([&] { GetFactory(factory).Validate(ExpandConfig(yaml, "cfg.yaml", vars)); });
}

void ExpectValid(const std::string& factory, const std::string& yaml) {
  EXPECT_EQ(ValidateError(factory, yaml), "no error") << yaml;
}

const char* kReduce = R"(in_pattern: /combined/*
out_pattern: $0Downsampled
time_column: timestamp
resolutions: [1h, 2h, 4h, 12h, 1d]
aggregations:
  - type: avg
    columns: ["*.DO.mg/L", "*.Temperature.C"]
  - type: max
    columns: ["*.Temperature.C"]
)";

TEST(ExpandConfig, ParsesYamlAndNamesSyntaxErrors) {
  Config c = ExpandConfig("a: 1\nb: [x, y]\n", "x.yaml", {});
  EXPECT_EQ(c.root["b"][1].Scalar(), "y");
  EXPECT_EQ(c.source, "x.yaml");
  EXPECT_THAT(ErrorOf([] { ExpandConfig("a: 1\nb: [x\n", "x.yaml", {}); }),
              ::testing::MatchesRegex("invalid YAML: .* \\(x\\.yaml:[0-9]+\\)"));
  EXPECT_EQ(ErrorOf([] { ExpandConfig("- a\n", "x.yaml", {}); }),
            "config must be a YAML map (x.yaml:1)");
}

TEST(ExpandConfig, RendersVarsAndEnv) {
  ::setenv("POND_FACTORIES_TEST_ENV", "secret", 1);
  Config c = ExpandConfig(
      "a: {{ site }}\nb: {{ vars.site }}\nc: {{ env(name=\"POND_FACTORIES_TEST_ENV\") }}\n"
      "d: {{ env(name=\"POND_FACTORIES_TEST_UNSET\", default=\"dflt\") }}\n",
      "x.yaml", {{"site", "BDock"}});
  EXPECT_EQ(c.root["a"].Scalar(), "BDock");
  EXPECT_EQ(c.root["b"].Scalar(), "BDock");
  EXPECT_EQ(c.root["c"].Scalar(), "secret");
  EXPECT_EQ(c.root["d"].Scalar(), "dflt");
  std::string e = ErrorOf(
      [] { ExpandConfig("a: {{ env(name=\"POND_FACTORIES_TEST_UNSET\") }}\n", "x.yaml", {}); });
  EXPECT_NE(e.find("POND_FACTORIES_TEST_UNSET"), std::string::npos) << e;
}

TEST(Fields, UnknownBeforeMissingWithLine) {
  std::string bad = kReduce;
  bad.replace(bad.find("resolutions"), 11, "resolution");
  EXPECT_EQ(ValidateError("temporal-reduce", bad), "unknown field 'resolution' (cfg.yaml:4)");
  EXPECT_EQ(ValidateError("temporal-reduce",
                          "out_pattern: x\nresolutions: [1h]\naggregations: [{type: avg}]\n"),
            "missing field 'in_pattern' (cfg.yaml:1)");
  EXPECT_EQ(ValidateError("temporal-reduce", std::string(kReduce) + "in_pattern: /x\n"),
            "duplicate field 'in_pattern' (cfg.yaml:10)");
}

TEST(Fields, WrongTypes) {
  std::string bad = kReduce;
  bad.replace(bad.find("[1h, 2h, 4h, 12h, 1d]"), 21, "1h");
  EXPECT_EQ(ValidateError("temporal-reduce", bad),
            "field 'resolutions' must be a list (cfg.yaml:4)");
  EXPECT_EQ(ValidateError("timeseries-join", "inputs:\n  - pattern: [a]\n"),
            "field 'pattern' must be a string (cfg.yaml:2)");
  EXPECT_EQ(ValidateError("timeseries-join", "inputs:\n  - /a\n"),
            "an input must be a map (cfg.yaml:2)");
}

TEST(OutPattern, Substitution) {
  std::vector<std::string> caps{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
  EXPECT_EQ(ExpandOutPattern("$0Downsampled", caps, "/m"), "aDownsampled");
  EXPECT_EQ(ExpandOutPattern("$10-$1", caps, "/m"), "k-b");
  EXPECT_EQ(ExpandOutPattern("$$0", caps, "/m"), "$0");
  EXPECT_EQ(ExpandOutPattern("site=$0", {"BDock"}, "/m"), "site=BDock");
  EXPECT_EQ(ErrorOf([] { ExpandOutPattern("$1", {"x"}, "/m"); }),
            "out_pattern '$1' uses $1 but the match has 1 capture (/m)");
  EXPECT_EQ(ErrorOf([] { ExpandOutPattern("$99999999999", {"x"}, "/m"); }).rfind("out_pattern", 0),
            0u);
  EXPECT_EQ(ErrorOf([] { ExpandOutPattern("$0", {""}, "/m"); }),
            "out_pattern '$0' gives an invalid name '' (/m)");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("a$b", "/in/*", "c.yaml:2"); }),
            "'$' in out_pattern must be followed by a capture number or '$': a$b (c.yaml:2)");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("a/$0", "/in/*", "c.yaml:2"); }),
            "out_pattern must be a single name, without '/': a/$0 (c.yaml:2)");
  // What no match can expand is refused at mknod.
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("..", "/in/*", "c.yaml:2"); }),
            "out_pattern '..' gives an invalid name '..' (c.yaml:2)");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("$7", "/in/*.series", "c.yaml:2"); }),
            "out_pattern '$7' uses $7 but in_pattern /in/*.series has 1 capture (c.yaml:2)");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("x$2", "/in/*/*_*", "c.yaml:2"); }), "no error");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("x$3", "/in/*/*_*", "c.yaml:2"); }),
            "out_pattern 'x$3' uses $3 but in_pattern /in/*/*_* has 3 captures (c.yaml:2)");
  // `**` captures one name per level: $9 may exist for deep matches.
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("$9", "/in/**/*.series", "c.yaml:2"); }), "no error");
  EXPECT_EQ(ErrorOf([] { CheckOutPattern("fixed$$", "/in/*", "c.yaml:2"); }), "no error");
}

TEST(TemporalReduce, Validate) {
  ExpectValid("temporal-reduce", kReduce);
  // The original's allowed_lateness: a humantime duration, checked.
  ExpectValid("temporal-reduce", std::string(kReduce) + "allowed_lateness: 14d\n");
  ExpectValid("temporal-reduce", std::string(kReduce) + "allowed_lateness: 1h 30m\n");
  EXPECT_EQ(ValidateError("temporal-reduce", std::string(kReduce) + "allowed_lateness: 14 days ago\n"),
            "invalid allowed_lateness '14 days ago' (expected a duration such as 14d or 36h) "
            "(cfg.yaml:10)");
  EXPECT_EQ(ValidateError("temporal-reduce", std::string(kReduce) + "allowed_lateness: [1d]\n"),
            "field 'allowed_lateness' must be a string (cfg.yaml:10)");
  ExpectValid("temporal-reduce",
              "in_pattern: /a/*\nout_pattern: $0\nresolutions: [30s, 15m, 90m, 7d, 1w]\n"
              "aggregations: [{type: count}]\n");
  std::string bad = kReduce;
  bad.replace(bad.find("4h"), 2, "1y");
  EXPECT_EQ(ValidateError("temporal-reduce", bad),
            "invalid resolution '1y' (expected <n>s, <n>m, <n>h, <n>d or <n>w) (cfg.yaml:4)");
  for (const char* r : {"0h", "h", "1.5h", "01h", "1H", "2 h"}) {
    std::string b = kReduce;
    b.replace(b.find("4h"), 2, r);
    EXPECT_NE(
        ValidateError("temporal-reduce", b).find("invalid resolution '" + std::string(r) + "'"),
        std::string::npos);
  }
  bad = kReduce;
  bad.replace(bad.find("type: max"), 9, "type: median");
  EXPECT_EQ(
      ValidateError("temporal-reduce", bad),
      "invalid aggregation type 'median' (expected avg, min, max, count or sum) (cfg.yaml:8)");
  bad = kReduce;
  bad.replace(bad.find("/combined/*"), 11, "/a**b");
  EXPECT_EQ(ValidateError("temporal-reduce", bad),
            "field 'in_pattern': '**' must be a whole path component: /a**b (cfg.yaml:1)");
  bad = kReduce;
  bad.replace(bad.find("12h"), 3, "1h");
  EXPECT_EQ(ValidateError("temporal-reduce", bad), "duplicate resolution '1h' (cfg.yaml:4)");
}

TEST(TimeseriesJoin, Validate) {
  ExpectValid("timeseries-join",
              "time_column: timestamp\ninputs:\n  - pattern: /a.series\n    scope: A\n"
              "    range: {begin: 2024-01-01, end: 2024-08-15}\n    transforms: [/etc/t]\n"
              "  - pattern: /b/*.series\n");
  EXPECT_EQ(
      ValidateError("timeseries-join", "inputs:\n  - pattern: /a\n    range: {begin: yesterday}\n"),
      "field 'begin' is not a time: 'yesterday' (cfg.yaml:3)");
  EXPECT_EQ(
      ValidateError("timeseries-join",
                    "inputs:\n  - pattern: /a\n    range: {begin: 2024-02-01, end: 2024-01-01}\n"),
      "range begin must be before its end (cfg.yaml:3)");
  EXPECT_EQ(ValidateError("timeseries-join", "inputs: []\n"),
            "field 'inputs' must not be empty (cfg.yaml:1)");
  EXPECT_EQ(ValidateError("timeseries-join", "inputs:\n  - scope: A\n"),
            "missing field 'pattern' (cfg.yaml:2)");
}

TEST(OtherFactories, Validate) {
  ExpectValid("timeseries-pivot", "pattern: /t/*/res=1d.series\ncolumns: [\"A.DO.mg/L.avg\"]\n");
  ExpectValid("sql-derived-series", "patterns:\n  a: /x/*.series\nquery: SELECT * FROM a;\n");
  ExpectValid("sql-derived-table", "patterns: {a: /x}\nquery: SELECT 1\n");
  EXPECT_EQ(ValidateError("sql-derived-table", "patterns: {a: /x}\n"),
            "missing field 'query' (cfg.yaml:1)");
  ExpectValid("template",
              "in_pattern: /t/*\nout_pattern: site=$0\ntemplate_file: /templates/site.md.tera\n");
  EXPECT_EQ(
      ValidateError("template", "in_pattern: /t/*\nout_pattern: site=$0\ntemplate_file: tmpl\n"),
      "field 'template_file': pond paths must start with '/': tmpl (cfg.yaml:3)");
  ExpectValid("column-rename",
              "rules:\n  - {from: \"Dissolved Oxygen.mg/L\", to: \"DO.mg/L\"}\n"
              "  - {from: Temp, to: Temperature.C, cast: DOUBLE}\n"
              "  - {pattern: '^Old\\.(.*)$', replacement: 'AT500_Surface.$1'}\n");
  EXPECT_EQ(ValidateError("column-rename", "rules:\n  - {from: a}\n"),
            "missing field 'to' (cfg.yaml:2)");
  EXPECT_EQ(ValidateError("column-rename", "rules:\n  - {from: a, to: b, cast: 'DOUBLE); DROP'}\n"),
            "field 'cast' is not a type name: 'DOUBLE); DROP' (cfg.yaml:2)");
  ExpectValid("column-rename",
              "rules:\n  - {type: direct, from: \"Date Time\", to: timestamp, cast: timestamp}\n"
              "  - {type: pattern, pattern: '^(.+) \\((.+)\\)$', replacement: '$1.$2'}\n");
  EXPECT_EQ(ValidateError("column-rename", "rules:\n  - {type: rename, from: a, to: b}\n"),
            "invalid rule type 'rename' (expected direct or pattern) (cfg.yaml:2)");
  EXPECT_EQ(ValidateError("column-rename", "rules:\n  - {type: pattern, from: a, to: b}\n"),
            "a rule of type 'pattern' takes 'pattern', not 'from' (cfg.yaml:2)");
  EXPECT_NE(ValidateError("column-rename", "rules:\n  - {pattern: '(', replacement: x}\n")
                .find("invalid regular expression '('"),
            std::string::npos);
}

TEST(GitIngest, Validate) {
  ExpectValid("git-ingest", "url: https://example.com/a.git\nref: main\nprefix: config/noyo\n");
  ExpectValid("git-ingest", "url: file:///srv/a.git\nref: v1.2\n");
  EXPECT_EQ(ValidateError("git-ingest", "url: file:///a\n"), "missing field 'ref' (cfg.yaml:1)");
  EXPECT_EQ(ValidateError("git-ingest", "url: file:///a\nref: main\nbranch: x\n"),
            "unknown field 'branch' (cfg.yaml:3)");
  EXPECT_EQ(ValidateError("git-ingest", "url: git@host:a.git\nref: main\n"),
            "field 'url' must be a file:/// or https:// url (cfg.yaml:1)");
  EXPECT_EQ(ValidateError("git-ingest", "url: file:///a\nref: \"\"\n"),
            "field 'ref' must not be empty (cfg.yaml:2)");
  EXPECT_EQ(ValidateError("git-ingest", "url: file:///a\nref: main\nprefix: a//b\n"),
            "empty path component (cfg.yaml:3)");
  EXPECT_EQ(ValidateError("git-ingest", "url: file:///a\nref: main\nprefix: ../b\n"),
            "field 'prefix' must not hold '..' (cfg.yaml:3)");
}

TEST(DynamicDir, ValidatesEntriesWithTheirFactories) {
  const std::string good =
      "entries:\n  - name: BDock\n    factory: timeseries-join\n"
      "    config: {inputs: [{pattern: /a.series, scope: S}]}\n";
  ExpectValid("dynamic-dir", good);
  EXPECT_EQ(ValidateError("dynamic-dir", good + "  - name: BDock\n    factory: timeseries-join\n"
                                                "    config: {inputs: [{pattern: /b}]}\n"),
            "duplicate entry name 'BDock' (cfg.yaml:5)");
  EXPECT_EQ(
      ValidateError("dynamic-dir", "entries:\n  - name: X\n    factory: nope\n    config: {}\n"),
      "unknown factory 'nope' (see 'pond list-factories') (cfg.yaml:3)");
  EXPECT_EQ(ValidateError("dynamic-dir",
                          "entries:\n  - name: X\n    factory: timeseries-join\n"
                          "    config:\n      inputs:\n        - patern: /a\n"),
            "unknown field 'patern' (cfg.yaml:6)");
}

TEST(Registry, ListsEveryFactoryByName) {
  std::vector<std::string> names;
  for (const Factory* f : AllFactories()) names.push_back(f->name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"column-rename", "dynamic-dir", "git-ingest", "hydrovu",
                                      "logfile-ingest", "sitegen", "sql-derived-series",
                                      "sql-derived-table",
                                      "temporal-reduce", "template", "timeseries-join",
                                      "timeseries-pivot"}));
  EXPECT_EQ(ErrorOf([] { GetFactory("nope"); }),
            "unknown factory 'nope' (see 'pond list-factories')");
}

}  // namespace
}  // namespace pond::factories
