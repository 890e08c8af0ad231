// The canonical text apply stores (canonical_yaml.h): aliases written out, quoting that
// decides a scalar's type kept, layout and comments dropped, and a text that parses
// back to the same tree.
#include <gtest/gtest.h>

#include "apply/canonical_yaml.h"

namespace pond::apply {
namespace {

std::string Canonical(const std::string& yaml) { return CanonicalYaml(YAML::Load(yaml)); }

// Same scalars, same quoted-or-plain, same shape.
bool SameTree(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  if (a.IsScalar()) return a.Scalar() == b.Scalar() && a.Tag() == b.Tag();
  if (a.IsSequence() || a.IsMap()) {
    if (a.size() != b.size()) return false;
    auto x = a.begin(), y = b.begin();
    for (; x != a.end(); ++x, ++y) {
      if (a.IsSequence() ? !SameTree(*x, *y)
                         : !SameTree(x->first, y->first) || !SameTree(x->second, y->second))
        return false;
    }
  }
  return true;
}

TEST(CanonicalYaml, AnAliasIsWrittenInFull) {
  const std::string text = Canonical(R"(queries:
  q: &pondseries |
    SELECT *
    FROM series
query: *pondseries
)");
  // yaml-cpp leaves a blank line after a literal block that ends in a newline.
  EXPECT_EQ(text,
            "queries:\n"
            "  q: |\n"
            "    SELECT *\n"
            "    FROM series\n"
            "\n"
            "query: |\n"
            "  SELECT *\n"
            "  FROM series\n");
  EXPECT_EQ(text.find('*' + std::string("pondseries")), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
}

TEST(CanonicalYaml, LayoutAndCommentsDoNotMatter) {
  const std::string flow = Canonical("# a comment\npatterns: {a: /x/*, b: '/y'}  # trailing\n");
  const std::string block = Canonical("patterns:\n    a: /x/*\n    b: '/y'\n");
  EXPECT_EQ(flow, block);
  EXPECT_EQ(flow, "patterns:\n  a: /x/*\n  b: \"/y\"\n");
}

TEST(CanonicalYaml, QuotedScalarsStayQuotedAndEnvReferencesStayAsWritten) {
  EXPECT_EQ(Canonical("id: \"123\"\nn: 123\non: 'true'\nkey: ${env:HYDRO_KEY_ID}\n"
                      "secret: \"${env:HYDRO_KEY_VALUE:-x}\"\nempty: ''\nnothing:\n"),
            "id: \"123\"\nn: 123\non: \"true\"\nkey: ${env:HYDRO_KEY_ID}\n"
            "secret: \"${env:HYDRO_KEY_VALUE:-x}\"\nempty: \"\"\nnothing: ~\n");
}

TEST(CanonicalYaml, ParsesBackToTheSameTree) {
  for (const std::string yaml : {
           "a: [1, two, \"3\", {b: c}]\nd: []\ne: {}\n",
           "q: \"line1\\nline2\"\n",           // no final newline: not a clean literal
           "q: \"keep\\n\\n\"\n",              // trailing blank lines
           "q: \"  indented\\nsecond\\n\"\n",  // first line starts with spaces
           "q: |\n  SELECT 1\n  -- a comment\n",
           "t: !!str 12\nu: \"a: b # c\"\n",
           "- x\n- - y\n  - z\n",
       }) {
    const std::string text = CanonicalYaml(YAML::Load(yaml));
    EXPECT_TRUE(SameTree(YAML::Load(text), YAML::Load(yaml))) << yaml << "\n---\n" << text;
    EXPECT_EQ(CanonicalYaml(YAML::Load(text)), text) << yaml;  // a fixed point
  }
}

}  // namespace
}  // namespace pond::apply
