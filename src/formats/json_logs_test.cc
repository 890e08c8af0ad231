// jsonlogs through WriteParquet: JSON Lines files in, Parquet read back by DuckDB.
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/format_test.h"

namespace pond::formats {
namespace {

class JsonLogsTest : public FormatTest {
 protected:
  JsonLogsTest() : FormatTest(Format::kJsonLogs) {}
};

TEST_F(JsonLogsTest, AColumnPerKeyInByteOrderARowPerObjectLine) {
  Parsed p = Parse(Lines({R"({"msg":"start","level":"info","n":1})",
                          R"({"level":"warn","Zone":"b","msg":"a \"quoted\"\nline caf\u00e9"})",
                          R"({"n":null,"msg":"end"})"}));
  EXPECT_EQ(p.rows, 3);
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"Zone VARCHAR", "level VARCHAR", "msg VARCHAR",
                                                 "n VARCHAR"}));
  EXPECT_EQ(Rows(), (std::vector<std::string>{"NULL | info | start | 1",
                                              "b | warn | a \"quoted\"\nline café | NULL",
                                              "NULL | NULL | end | NULL"}));
}

TEST_F(JsonLogsTest, NumbersAndBooleansAsWrittenObjectsAndArraysCompact) {
  Parse(Lines({R"({"a":1.50,"b":-0,"c":1E+3,"d":12345678901234567890,"e":true,"f":false,)"
               R"("g":{ "x" : [1, 2.0, "s p"], "y":{}} ,"h":[ ],"i":[{"k":null}, "\u00e9"]})"}));
  EXPECT_EQ(Rows(),
            std::vector<std::string>{R"(1.50 | -0 | 1E+3 | 12345678901234567890 | true | false | )"
                                     R"({"x":[1,2.0,"s p"],"y":{}} | [] | [{"k":null},"\u00e9"])"});
}

TEST_F(JsonLogsTest, ARepeatedKeyKeepsTheLaterValue) {
  Parse(Lines({R"({"a":"first","b":1,"a":"second"})", R"({"a":"x","a":null})"}));
  EXPECT_EQ(Rows(), (std::vector<std::string>{"second | 1", "NULL | NULL"}));
}

TEST_F(JsonLogsTest, LinesNotObjectsAreCountedBlankLinesAreNot) {
  Parsed p = Parse(Lines({"plain text", "[1,2]", R"("s")", "42", R"({"a":)", R"({"a":1} trailing)",
                          R"({"":"no name","a":"dropped"})", " \t \r", "", "{\"a\":\"kept\"}\r"}));
  EXPECT_EQ(p.skipped, 7);
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(Columns(), std::vector<std::string>{"a VARCHAR"});
  EXPECT_EQ(Rows(), std::vector<std::string>{"kept"});
}

TEST_F(JsonLogsTest, NulBytesAndATrailingPartialLine) {
  Parsed p =
      Parse(Lines({std::string("\0\0{\"a\":\0\"x\"}", 12), std::string(50, '\0'), R"({"a":"y"})"}) +
            R"({"a":"z","b":)");
  EXPECT_EQ(p.skipped, 0);
  EXPECT_EQ(Columns(), std::vector<std::string>{"a VARCHAR"});
  EXPECT_EQ(Rows(), (std::vector<std::string>{"x", "y"}));
}

// Parquet has no table without columns: as DuckDB's read_json does, a `json` column.
TEST_F(JsonLogsTest, NoKeysGiveAJsonColumn) {
  Parsed p = Parse("");
  EXPECT_EQ(p.rows, 0);
  EXPECT_EQ(Columns(), std::vector<std::string>{"json VARCHAR"});
  EXPECT_EQ(table_.row_count(), 0u);

  p = Parse("{}\nnot json\n{ }\n");
  EXPECT_EQ(p.rows, 2);
  EXPECT_EQ(p.skipped, 1);
  EXPECT_EQ(Columns(), std::vector<std::string>{"json VARCHAR"});
  EXPECT_EQ(Rows(), (std::vector<std::string>{"{}", "{}"}));
}

// The table keeps the line order in a column of its own, named unlike any key.
TEST_F(JsonLogsTest, KeysNamedLikeTheOrderColumn) {
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += R"({"line":")" + std::to_string(i) + R"(","LINE_":)" + std::to_string(i % 7) + "}\n";
  Parsed p = Parse(text);
  EXPECT_EQ(p.rows, 3000);
  EXPECT_EQ(Columns(), (std::vector<std::string>{"LINE_ VARCHAR", "line VARCHAR"}));
  ASSERT_EQ(table_.row_count(), 3000u);
  for (size_t i = 0; i < 3000; ++i) ASSERT_EQ(table_.at(i, "line").as_string(), std::to_string(i));
}

TEST_F(JsonLogsTest, KeysDuckDBWouldMergeAreAnError) {
  try {
    Parse(Lines({R"({"Level":"info"})", R"({"level":"warn"})"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "columns 'Level' and 'level' would be one column (names in DuckDB ignore case) "
              "(/ingest/in.json)");
  }
  EXPECT_FALSE(std::filesystem::exists(output()));
}

}  // namespace
}  // namespace pond::formats
