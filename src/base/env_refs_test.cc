#include "base/env_refs.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond {
namespace {

class EnvRefs : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("POND_TEST_KEY", "k3y", 1);
    setenv("POND_TEST_EMPTY", "", 1);
    unsetenv("POND_TEST_UNSET");
  }
};

TEST_F(EnvRefs, ReplacesSetVariablesAndDefaults) {
  EXPECT_EQ(ExpandEnvRefs("id: ${env:POND_TEST_KEY}", "f"), "id: k3y");
  EXPECT_EQ(ExpandEnvRefs("${env:POND_TEST_UNSET:-main}/x", "f"), "main/x");
  // Set but empty is set: the default is not used.
  EXPECT_EQ(ExpandEnvRefs("[${env:POND_TEST_EMPTY:-d}]", "f"), "[]");
  // The default is the text up to the first `}`, `:-` and all.
  EXPECT_EQ(ExpandEnvRefs("${env:POND_TEST_UNSET:-a:-b}c}", "f"), "a:-bc}");
  EXPECT_EQ(ExpandEnvRefs("${env:POND_TEST_UNSET:-}", "f"), "");
}

TEST_F(EnvRefs, LeavesOtherDollarsAlone) {
  EXPECT_EQ(ExpandEnvRefs("footer: built ${DATE} $0 $1.$2 $", "f"), "footer: built ${DATE} $0 $1.$2 $");
  EXPECT_EQ(ExpandEnvRefs("${env:POND_TEST_KEY", "f"), "${env:POND_TEST_KEY");
  EXPECT_EQ(ExpandEnvRefs("${env:}", "f"), "${env:}");
  EXPECT_EQ(ExpandEnvRefs("{{ env(name=\"X\") }}", "f"), "{{ env(name=\"X\") }}");
}

TEST_F(EnvRefs, DoubleDollarIsOneDollar) {
  EXPECT_EQ(ExpandEnvRefs("a$$b $$$$ $${env:POND_TEST_KEY}", "f"), "a$b $$ ${env:POND_TEST_KEY}");
}

TEST_F(EnvRefs, UnsetWithoutDefaultNamesTheVariableAndTheNode) {
  try {
    ExpandEnvRefs("key: ${env:POND_TEST_UNSET}", "/etc/hydrovu");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "Environment variable 'POND_TEST_UNSET' not set and no default provided "
                 "(/etc/hydrovu)");
  }
  EXPECT_EQ(ExpandEnvRefs("key: ${env:POND_TEST_UNSET}", "x", /*strict=*/false),
            "key: ${env:POND_TEST_UNSET}");
}

}  // namespace
}  // namespace pond
