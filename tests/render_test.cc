// Scenario tests of `pond render TEMPLATE --context CTX.json` (docs/templates.md): the
// real binary on template files in a temporary folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/scenario.h"

namespace pond {
namespace {

using testing::Pond;
using testing::RunResult;
using testing::TempDir;
using testing::WriteFile;

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(RenderCommand, IncludesImportsAndExtendsResolveInTheSameFolder) {
  TempDir dir;
  WriteFile(dir.path() / "base.tera", "<{% block body %}{% endblock %}>\n");
  WriteFile(dir.path() / "macros.tera", "{% macro unit(u) %}[{{ u }}]{% endmacro unit %}");
  WriteFile(dir.path() / "footer.tera", "-- {{ title | lower }}");
  WriteFile(dir.path() / "page.md.tera",
            "{% extends \"base.tera\" %}{% import \"macros.tera\" as m %}"
            "{% block body %}# {{ title }} {{ m::unit(u=\"m/s\") }}\n{% include \"footer.tera\" %}"
            "{% endblock body %}");
  WriteFile(dir.path() / "ctx.json", R"({"title": "Noyo"})");
  RunResult r = Pond({"render", dir / "page.md.tera", "--context", dir / "ctx.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<# Noyo [m/s]\n-- noyo>\n");
  EXPECT_EQ(r.err, "");
}

TEST(RenderCommand, OutputIsExactlyTheRenderedBytes) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "no newline at the end {{ n }}");
  WriteFile(dir.path() / "ctx.json", R"({"n": 2.50})");
  RunResult r = Pond({"render", dir / "t.tera", "--context", dir / "ctx.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no newline at the end 2.5");
}

TEST(RenderCommand, VariablesLandInVars) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "{{ vars.x }} {{ vars.title }} {{ vars.keep }}");
  WriteFile(dir.path() / "ctx.json", R"({"vars": {"title": "old", "keep": "k"}})");
  RunResult r = Pond(
      {"-v", "x=1", "-v", "title=New", "render", dir / "t.tera", "--context", dir / "ctx.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1 New k");  // -v values are strings and override the context's
}

TEST(RenderCommand, WorksWithoutAContext) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "{{ vars.x }}{% if missing is undefined %}!{% endif %}");
  RunResult r = Pond({"render", dir / "t.tera", "-v", "x=hi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hi!");
}

TEST(RenderCommand, SyntaxErrorExitsOneWithFileLineCol) {
  TempDir dir;
  WriteFile(dir.path() / "site.md.tera", "ok\n{% for x in xs %}\n{% endif %}\n");
  WriteFile(dir.path() / "ctx.json", "{}");
  RunResult r = Pond({"render", dir / "site.md.tera", "--context", dir / "ctx.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("pond: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("(site.md.tera:3:1)"), std::string::npos) << r.err;
}

TEST(RenderCommand, RenderErrorNamesTheExpression) {
  TempDir dir;
  WriteFile(dir.path() / "site.md.tera", "# {{ title }}\n\n  {{ exprt.files }}");
  WriteFile(dir.path() / "ctx.json", R"({"title": "t"})");
  RunResult r = Pond({"render", dir / "site.md.tera", "--context", dir / "ctx.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("exprt.files"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(site.md.tera:3:6)"), std::string::npos) << r.err;
}

TEST(RenderCommand, ABrokenSiblingTemplateIsAnError) {
  // The folder is the template set, as for Tera: every file in it must parse.
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "fine");
  WriteFile(dir.path() / "broken.tera", "{% if %}");
  RunResult r = Pond({"render", dir / "t.tera"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("(broken.tera:1:7)"), std::string::npos) << r.err;
}

TEST(RenderCommand, MissingContextFileIsNamed) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "x");
  std::string missing = dir / "nope.json";
  RunResult r = Pond({"render", dir / "t.tera", "--context", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
}

TEST(RenderCommand, InvalidJsonAndMissingTemplateAreNamed) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera", "x");
  WriteFile(dir.path() / "bad.json", "{\"a\": ");
  RunResult r = Pond({"render", dir / "t.tera", "--context", dir / "bad.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir / "bad.json"), std::string::npos) << r.err;

  RunResult m = Pond({"render", dir / "gone.tera"});
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find(dir / "gone.tera"), std::string::npos) << m.err;
}

// 1 GiB; 2 GiB under AddressSanitizer, whose quarantine keeps freed blocks (256 MiB by
// default) and whose shadow adds an eighth: the same render peaks at ~1.05 GiB there.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kRssBoundKib = 2 * 1024 * 1024;
#else
constexpr long kRssBoundKib = 1024 * 1024;
#endif

// Doubling a string 40 times once grew to 16.8 GB before failing: now any one value
// stops at 256 MiB, before it is built, with the usual one-line error.
TEST(RenderCommand, DoublingAStringFailsWithBoundedMemory) {
  TempDir dir;
  WriteFile(dir.path() / "t.tera",
            "{% set s = \"ab\" %}{% for i in range(end=40) %}"
            "{% set_global s = s ~ s %}{% endfor %}{{ s | length }}");
  RunResult r = Pond({"render", dir / "t.tera"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("larger than 268435456 bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("t.tera:1:"), std::string::npos) << r.err;
  EXPECT_LT(r.max_rss_kib, kRssBoundKib) << "peak RSS " << r.max_rss_kib << " KiB";
}

}  // namespace
}  // namespace pond
