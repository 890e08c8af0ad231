// `pond apply` through the real `pond` binary (docs/apply.md): multi-document files in
// the deployments' shape applied in one transaction, idempotently; a changed config is
// a new version; secrets are never stored; and every bad input is one line naming the
// file and document, exit 1, with the pond exactly as it was (same log, same blobs).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Three readings of /raw/a.series: two in the first hour, one in the second.
constexpr const char* kSeriesCsv =
    "timestamp,Temperature.C,DO.mg/L\n"
    "2024-07-01 00:00:00,10.0,8.0\n"
    "2024-07-01 00:30:00,12.0,8.5\n"
    "2024-07-01 01:00:00,20.0,9.0\n";

// The shape of water.yaml: a reduction listed before its directory, its input pattern
// from the environment with a default, through a column-rename whose parents apply
// makes.
constexpr const char* kWater = R"(# Reductions of the raw series.
version: v1
kind: mknod
metadata:
  path: /reduced/hourly        # listed before its directory
spec:
  factory: temporal-reduce
  config:
    in_pattern: ${env:POND_TEST_IN_PATTERN:-/raw/*.series}
    out_pattern: $0
    transforms: [/etc/transforms/short]
    resolutions: [1h]
    aggregations:
      - {type: avg, columns: ["T.*"]}
---
version: v1
kind: mkdir
metadata: {path: /reduced}
---

---
version: v1
kind: mknod
metadata:
  path: /etc/transforms/short  # /etc/transforms is made as needed
spec:
  factory: column-rename
  config:
    rules:
      - {type: pattern, pattern: '^Temperature\.(.*)$', replacement: 'T.$1'}
)";

// The shape of selfmon: entries sharing one query through an alias.
constexpr const char* kSite = R"(version: v1
kind: mkdir
metadata:
  path: /derived
spec:
---
version: v1
kind: mknod
metadata: {path: /derived/views}
spec:
  factory: dynamic-dir
  config:
    entries:
      - name: warm
        factory: sql-derived-series
        config:
          patterns: {raw: /raw/a.series}
          query: &pondseries |
            SELECT "timestamp", "Temperature.C" FROM raw
            WHERE "Temperature.C" > 11
      - name: again
        factory: sql-derived-series
        config:
          patterns: {raw: /raw/a.series}
          query: *pondseries
)";

class ApplyTest : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    Ok({"copy", Host("a.csv", kSeriesCsv), "/raw/a.series", "--format", "series"});
  }
  // What a failed apply must leave as it was: the log and every blob file.
  std::string State() {
    std::string state = Ok({"log", "--limit", "1000"});
    std::vector<std::string> blobs;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(dir_) / "blobs"))
      if (e.is_regular_file()) blobs.push_back(e.path().string() + " " + Sha256File(e.path()));
    std::sort(blobs.begin(), blobs.end());
    for (const auto& b : blobs) state += b + "\n";
    return state;
  }
  // `apply` with `args` fails with exactly `pond: error: <message>`, exit 1, and
  // changes nothing.
  void Refused(const std::vector<std::string>& args, const std::string& message) {
    const std::string before = State();
    std::vector<std::string> all{"apply"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = P(all);
    EXPECT_EQ(r.exit_code, 1) << message;
    EXPECT_EQ(r.err, "pond: error: " + message + "\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(State(), before) << message;
  }
  // The stored config that starts with `start` (blob files are content-addressed).
  std::string StoredConfig(const std::string& start) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(dir_) / "blobs")) {
      if (!e.is_regular_file()) continue;
      const std::string bytes = ReadFile(e.path());
      if (bytes.starts_with(start)) return bytes;
    }
    return "(none)";
  }
};

TEST_F(ApplyTest, CreatesABatchInOneTransactionThenLeavesItUnchanged) {
  const std::string water = Host("water.yaml", kWater), site = Host("site.yaml", kSite);
  EXPECT_EQ(Ok({"apply", "-f", water, "-f", site}),
            "  created  /derived\n"
            "  created  /reduced\n"
            "  created  /derived/views\n"
            "  created  /reduced/hourly\n"
            "  created  /etc/transforms/short\n"
            "apply: 5 created, 0 updated, 0 unchanged\n");
  EXPECT_THAT(Ok({"log", "--limit", "1"}), HasSubstr("pond apply -f " + water + " -f " + site));
  EXPECT_EQ(Ok({"log", "--limit", "1"}).substr(0, 2), "4 ");
  EXPECT_EQ(Ok({"cat", "/reduced/hourly/a/res=1h.series", "--format", "csv"}),
            "timestamp,T.C.avg\n2024-07-01 00:00:00,11.0\n2024-07-01 01:00:00,20.0\n");
  const std::string warm =
      "timestamp,Temperature.C\n2024-07-01 00:30:00,12.0\n"
      "2024-07-01 01:00:00,20.0\n";
  EXPECT_EQ(Ok({"cat", "/derived/views/warm", "--format", "csv"}), warm);
  EXPECT_EQ(Ok({"cat", "/derived/views/again", "--format", "csv"}), warm);

  // The alias is stored as the full query: the text is canonical, not the file's.
  const auto entry = [](const std::string& name) {
    return "  - name: " + name +
           "\n"
           "    factory: sql-derived-series\n"
           "    config:\n"
           "      patterns:\n"
           "        raw: /raw/a.series\n"
           "      query: |\n"
           "        SELECT \"timestamp\", \"Temperature.C\" FROM raw\n"
           "        WHERE \"Temperature.C\" > 11\n";
  };
  EXPECT_EQ(StoredConfig("entries:"), "entries:\n" + entry("warm") + "\n" + entry("again"));

  const std::string before = State();
  EXPECT_EQ(Ok({"apply", "-f", site, "-f", water}),
            "  unchanged  /derived\n"
            "  unchanged  /reduced\n"
            "  unchanged  /derived/views\n"
            "  unchanged  /reduced/hourly\n"
            "  unchanged  /etc/transforms/short\n"
            "apply: all 5 resource(s) unchanged, no transaction committed\n");
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Ok({"--quiet", "apply", "-f", site, "-f", water}), "");
}

TEST_F(ApplyTest, AChangedConfigIsANewVersionAndLayoutIsNoChange) {
  const std::string water = Host("water.yaml", kWater);
  Ok({"apply", "-f", water});
  // Comments, flow or block style and quoting that changes no value are no change.
  std::string relaid = kWater;
  relaid.replace(relaid.find("      - {type: avg, columns: [\"T.*\"]}"),
                 std::string("      - {type: avg, columns: [\"T.*\"]}").size(),
                 "      # the mean\n      - type: avg\n        columns:\n          - \"T.*\"");
  const std::string before = State();
  EXPECT_EQ(Ok({"apply", "-f", Host("relaid.yaml", relaid)}),
            "  unchanged  /reduced\n"
            "  unchanged  /reduced/hourly\n"
            "  unchanged  /etc/transforms/short\n"
            "apply: all 3 resource(s) unchanged, no transaction committed\n");
  EXPECT_EQ(State(), before);

  std::string daily = kWater;
  daily.replace(daily.find("[1h]"), 4, "[1h, 1d]");
  EXPECT_EQ(Ok({"apply", "-f", Host("water.yaml", daily)}),
            "  unchanged  /reduced\n"
            "  updated  /reduced/hourly\n"
            "  unchanged  /etc/transforms/short\n"
            "apply: 0 created, 1 updated, 2 unchanged\n");
  EXPECT_THAT(Ok({"list", "-l", "/reduced/hourly"}),
              MatchesRegex("dynamic:temporal-reduce +2 .*\n"));
  EXPECT_EQ(Ok({"cat", "/reduced/hourly/a/res=1d.series", "--format", "csv"}),
            "timestamp,T.C.avg\n2024-07-01 00:00:00,14.0\n");
  // The version before is still there to read.
  EXPECT_EQ(P({"--at", "4", "cat", "/reduced/hourly/a/res=1d.series"}).err,
            "pond: error: no such node (/reduced/hourly/a/res=1d.series)\n");
}

// The text stored is the unexpanded one: the value never reaches the pond, a changed
// environment is no change, and an unset variable refuses the whole batch.
TEST_F(ApplyTest, EnvironmentReferencesAreExpandedToCheckButNeverStored) {
  const std::string secret = "s3cr3t-value-for-apply";
  const std::string file = Host("secret.yaml", R"(version: v1
kind: mkdir
metadata: {path: /first}
---
version: v1
kind: mknod
metadata: {path: /derived/labelled}
spec:
  factory: sql-derived-series
  config:
    patterns: {raw: /raw/a.series}
    query: SELECT "timestamp", '${env:POND_TEST_APPLY_SECRET}' AS label FROM raw
)");
  Refused({"-f", file},
          "Environment variable 'POND_TEST_APPLY_SECRET' not set and no default provided (" + file +
              "[1])");
  EXPECT_EQ(Ok({"apply", "-f", file}, {{"POND_TEST_APPLY_SECRET", secret}}),
            "  created  /first\n  created  /derived/labelled\n"
            "apply: 2 created, 0 updated, 0 unchanged\n");
  EXPECT_EQ(Ok({"cat", "/derived/labelled", "--format", "csv", "--sql",
                "SELECT label FROM series LIMIT 1"},
               {{"POND_TEST_APPLY_SECRET", secret}}),
            "label\n" + secret + "\n");
  bool reference = false;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = ReadFile(e.path());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << e.path();
    reference =
        reference || bytes.find("'${env:POND_TEST_APPLY_SECRET}' AS label") != std::string::npos;
  }
  EXPECT_TRUE(reference);
  EXPECT_EQ(Ok({"apply", "-f", file}, {{"POND_TEST_APPLY_SECRET", "another"}}),
            "  unchanged  /first\n  unchanged  /derived/labelled\n"
            "apply: all 2 resource(s) unchanged, no transaction committed\n");
}

// -v vars expand configs as they do at mknod, and go to the transaction's log.
TEST_F(ApplyTest, VarsExpandConfigsAsAtMknod) {
  const std::string file = Host("vars.yaml", R"(version: v1
kind: mknod
metadata: {path: /picked}
spec:
  factory: sql-derived-table
  config:
    patterns: {raw: "/raw/{{ name }}.series"}
    query: SELECT count(*) AS n FROM raw
)");
  RunResult unset = P({"apply", "-f", file});
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_THAT(unset.err, HasSubstr("(" + file + "[0]"));
  Ok({"apply", "-f", file, "-v", "name=a"});
  EXPECT_THAT(Ok({"log", "--limit", "1"}), HasSubstr("vars: {\"name\":\"a\"}"));
  EXPECT_EQ(Ok({"cat", "/picked", "--format", "csv"}), "n\n3\n");
}

TEST_F(ApplyTest, CopiesAFileOrADirectoryAndRefusesToReplaceUnlessAsked) {
  fs::create_directories(tmp_.path() / "site" / "img");
  Host("site/index.md", "# Water\n");
  Host("site/img/logo.svg", "<svg/>");
  const std::string copy = Host("copy.yaml", R"(version: v1
kind: copy
metadata: {path: /pages/site}
spec:
  source: host://)" + tmp_ / "site" + R"(
---
version: v1
kind: copy
metadata: {path: /pages/readme.md}
spec: {source: "host+data://${env:POND_TEST_APPLY_DIR}/site/index.md"}
)");
  const std::map<std::string, std::string> env{{"POND_TEST_APPLY_DIR", tmp_.path().string()}};
  EXPECT_EQ(Ok({"apply", "-f", copy}, env),
            "  created  /pages/readme.md\n  created  /pages/site\n"
            "apply: 2 created, 0 updated, 0 unchanged\n");
  EXPECT_EQ(Ok({"list", "/pages/**"}),
            "/pages\n/pages/readme.md\n/pages/site\n/pages/site/img\n/pages/site/img/logo.svg\n"
            "/pages/site/index.md\n");
  EXPECT_EQ(Ok({"cat", "/pages/site/img/logo.svg"}), "<svg/>");
  EXPECT_EQ(Ok({"cat", "/pages/readme.md"}), "# Water\n");

  const std::string before = State();
  RunResult again = P({"apply", "-f", copy}, env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err,
            "pond: error: destination '/pages/readme.md' already exists; set overwrite: true to "
            "replace (" +
                copy + "[1])\n");
  EXPECT_EQ(State(), before);

  Host("site/index.md", "# Water, again\n");
  std::string text = ReadFile(copy);
  text.replace(text.find("index.md\"}"), 10, "index.md\", overwrite: true}");
  text.replace(text.find("spec:\n  source"), 14, "spec:\n  overwrite: true\n  source");
  Ok({"apply", "-f", Host("copy.yaml", text)}, env);
  EXPECT_EQ(Ok({"cat", "/pages/site/index.md"}), "# Water, again\n");
  EXPECT_THAT(Ok({"list", "-l", "/pages/readme.md"}), MatchesRegex("file:data +2 .*\n"));
}

// Every row: one bad document (or batch) among good ones; nothing is written.
TEST_F(ApplyTest, BadInputIsOneLineNamingFileAndDocumentAndChangesNothing) {
  const std::string good = "version: v1\nkind: mkdir\nmetadata: {path: /ok}\n---\n";
  const auto bad = [&](const std::string& doc) { return Host("bad.yaml", good + doc); };
  const std::string f = tmp_ / "bad.yaml";
  struct Row {
    std::string doc, error;
  };
  const std::vector<Row> rows = {
      {"version: v1\nkind: mkdir\nmetadata: {path: /x\n",
       "invalid YAML: end of map flow not found (" + f + "[1]:8)"},
      {"version: v1\nkind: mknod\nmetadata: {path: /x}\nspecs: {}\n",
       "unknown key 'specs' (" + f + "[1])"},
      {"version: v1\nkind: mkdir\nmetadata: {}\n", "missing key 'metadata.path' (" + f + "[1])"},
      {"version: v1\nkind: mkdir\n", "missing key 'metadata.path' (" + f + "[1])"},
      {"version: v1\nkind: mkdir\nmetadata: {path: /x, name: x}\n",
       "unknown key 'metadata.name' (" + f + "[1])"},
      {"version: v1\nkind: mkdir\nmetadata: {path: x}\n",
       "key 'metadata.path' must be an absolute pond path, got 'x' (" + f + "[1])"},
      {"version: v2\nkind: mkdir\nmetadata: {path: /x}\n",
       "unsupported version 'v2', expected 'v1' (" + f + "[1])"},
      {"kind: mkdir\nmetadata: {path: /x}\n", "missing key 'version' (" + f + "[1])"},
      {"version: v1\nkind: mkfile\nmetadata: {path: /x}\n",
       "unknown kind 'mkfile', expected mkdir, mknod or copy (" + f + "[1])"},
      {"version: v1\nkind: mkdir\nmetadata: {path: /x}\nspec: {parents: true}\n",
       "kind mkdir takes no spec (" + f + "[1])"},
      {"version: v1\nkind: mknod\nmetadata: {path: /x}\nspec: {factory: nope, config: {}}\n",
       "unknown factory 'nope'; see 'pond list-factories' (" + f + "[1])"},
      {"version: v1\nkind: mknod\nmetadata: {path: /x}\nspec: {factory: column-rename}\n",
       "missing key 'spec.config' (" + f + "[1])"},
      {"version: v1\nkind: mknod\nmetadata: {path: /x}\nspec:\n  factory: temporal-reduce\n"
       "  config:\n    in_pattern: /raw/*\n    out_pattern: $0\n    # why\n"
       "    resolution: [1h]\n    aggregations: [{type: avg}]\n",
       "unknown field 'resolution' (" + f + "[1]:14)"},
      {"version: v1\nkind: copy\nmetadata: {path: /x}\nspec: {source: /etc/hostname}\n",
       "key 'spec.source' must be a host:///ABSOLUTE/PATH URL, got '/etc/hostname' (" + f + "[1])"},
      {"version: v1\nkind: copy\nmetadata: {path: /x}\nspec: {source: 'host:///no/such'}\n",
       "no such file '/no/such' (" + f + "[1])"},
      {"version: v1\nkind: copy\nmetadata: {path: /x}\nspec: {source: 'host:///etc', "
       "overwrite: yes}\n",
       "key 'spec.overwrite' must be true or false (" + f + "[1])"},
      {"version: v1\nkind: mkdir\nmetadata: {path: /ok}\n",
       "duplicate path '/ok' (" + f + "[1], first in " + f + "[0])"},
      {"- version: v1\n", "a document must be a map (" + f + "[1])"},
  };
  for (const Row& row : rows) Refused({"-f", bad(row.doc)}, row.error);

  const std::string empty = Host("empty.yaml", "# nothing here\n---\n\n");
  Refused({"-f", empty}, "no YAML documents (" + empty + ")");
  Refused({"-f", tmp_ / "absent.yaml"}, "cannot read file (" + tmp_ / "absent.yaml" + ")");
  // A path claimed in two files.
  const std::string a = Host("a.yaml", good + "version: v1\nkind: mkdir\nmetadata: {path: /x}\n");
  const std::string b = Host("b.yaml", "version: v1\nkind: mkdir\nmetadata: {path: /x/}\n");
  Refused({"-f", a, "-f", b}, "duplicate path '/x' (" + b + "[0], first in " + a + "[1])");
}

// Conflicts with what the pond holds, found before any write; and one between two
// resources of the batch, found in the transaction, which is then rolled back.
TEST_F(ApplyTest, ConflictsWithThePondChangeNothing) {
  Ok({"apply", "-f", Host("water.yaml", kWater)});
  const auto doc = [&](const std::string& text) { return Host("c.yaml", text); };
  const std::string f = tmp_ / "c.yaml";
  Refused({"-f", doc("version: v1\nkind: mkdir\nmetadata: {path: /ok}\n---\n"
                     "version: v1\nkind: mknod\nmetadata: {path: /etc/transforms/short}\n"
                     "spec: {factory: sql-derived-table, config: {patterns: {a: /raw/*}, "
                     "query: SELECT 1}}\n")},
          "factory type mismatch at '/etc/transforms/short': existing is 'column-rename', apply "
          "specifies 'sql-derived-table' (" +
              f + "[1])");
  Refused({"-f", doc("version: v1\nkind: mknod\nmetadata: {path: /raw/a.series}\n"
                     "spec: {factory: column-rename, config: {rules: [{from: a, to: b}]}}\n")},
          "path '/raw/a.series' exists and is file:series, not a dynamic node (" + f + "[0])");
  Refused({"-f", doc("version: v1\nkind: mkdir\nmetadata: {path: /raw/a.series/more}\n")},
          "path '/raw/a.series' exists but is not a directory (" + f + "[0])");
  Refused({"-f", doc("version: v1\nkind: mknod\nmetadata: {path: /reduced/hourly/x}\n"
                     "spec: {factory: column-rename, config: {rules: [{from: a, to: b}]}}\n")},
          "path '/reduced/hourly' exists but is not a directory (" + f + "[0])");
  Refused(
      {"-f", doc("version: v1\nkind: copy\nmetadata: {path: /raw/a.series}\n"
                 "spec: {source: 'host://" +
                 tmp_ / "a.csv" + "'}\n")},
      "destination '/raw/a.series' already exists; set overwrite: true to replace (" + f + "[0])");

  // The copy makes /site/x a data file before the mknod's turn: the copied blobs go too.
  fs::create_directories(tmp_.path() / "site");
  Host("site/x", "bytes that must not stay");
  Refused({"-f", doc("version: v1\nkind: mknod\nmetadata: {path: /site/x}\n"
                     "spec: {factory: column-rename, config: {rules: [{from: a, to: b}]}}\n---\n"
                     "version: v1\nkind: copy\nmetadata: {path: /site}\n"
                     "spec: {source: 'host://" +
                     tmp_ / "site" + "'}\n")},
          "path '/site/x' exists and is file:data, not a dynamic node (" + f + "[0])");
}

// The original's flag for mknod's config file.
TEST_F(ApplyTest, MknodTakesTheOriginalsConfigPath) {
  const std::string config = Host("rename.yaml", "rules: [{from: a, to: b}]\n");
  EXPECT_THAT(Ok({"mknod", "column-rename", "/rename", "--config-path", config}),
              ::testing::StartsWith("created /rename (column-rename) in transaction 4"));
}

}  // namespace
}  // namespace pond::testing
