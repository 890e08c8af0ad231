#include "tmpl/value.h"

#include <gtest/gtest.h>

namespace pond::tmpl {
namespace {

TEST(ValueTest, FloatsPrintLikeRustDisplay) {
  EXPECT_EQ(FormatFloat(10.605), "10.605");
  EXPECT_EQ(FormatFloat(2.0), "2");
  EXPECT_EQ(FormatFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatFloat(1e20), "100000000000000000000");
  EXPECT_EQ(FormatFloat(1.5e-7), "0.00000015");
  EXPECT_EQ(FormatFloat(-0.0), "-0");
}

TEST(ValueTest, FloatsInJsonLikeSerdeJson) {
  EXPECT_EQ(FormatFloatJson(1.0), "1.0");
  EXPECT_EQ(FormatFloatJson(1e20), "1e20");
  EXPECT_EQ(FormatFloatJson(1e16), "1e16");
  EXPECT_EQ(FormatFloatJson(1e15), "1000000000000000.0");
  EXPECT_EQ(FormatFloatJson(0.0001), "0.0001");
  EXPECT_EQ(FormatFloatJson(0.00001), "0.00001");
  EXPECT_EQ(FormatFloatJson(0.000001), "1e-6");
  EXPECT_EQ(FormatFloatJson(1.5e300), "1.5e300");
  EXPECT_EQ(FormatFloatJson(123.456), "123.456");
}

TEST(ValueTest, RenderValue) {
  EXPECT_EQ(RenderToString(Value::parse(R"([1, "a", [true, null], {"k": 1}, 2.5])")),
            "[1, a, [true, ], [object], 2.5]");
  EXPECT_EQ(RenderToString(Value()), "");
}

TEST(ValueTest, EqualityFollowsSerde) {
  EXPECT_TRUE(Equal(Value(1), Value(1u)));
  EXPECT_FALSE(Equal(Value(1), Value(1.0)));
  EXPECT_TRUE(Equal(Value::parse("[1, {\"a\": 2}]"), Value::parse("[1, {\"a\": 2}]")));
}

TEST(ValueTest, JsonPrettyAndCompact) {
  Value v = Value::parse(R"({"b": [1, 2.0], "a": {}, "c": "x\"\n\u0001"})");
  EXPECT_EQ(ToJson(v), R"({"a":{},"b":[1,2.0],"c":"x\"\n\u0001"})");
  EXPECT_EQ(ToJson(v, true),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2.0\n  ],\n  \"c\": \"x\\\"\\n\\u0001\"\n}");
}

}  // namespace
}  // namespace pond::tmpl
