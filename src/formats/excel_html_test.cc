// WriteExcelHtml on exports written in the real shape (metadata rows, a Marked
// column, entities, omitted end tags, whitespace in cells, other tables around), read
// back through DuckDB: exact names, types and values, in the file's order.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "engine/duckdb.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "support/hydrovu_html.h"
#include "support/scenario.h"

namespace pond::formats {
namespace {

namespace fs = std::filesystem;

constexpr const char* kName = "/hydrovu/FB-Bottom_Export.htm";

// The page around a report table's rows, with the metadata rows of a real export.
std::string Page(const std::string& rows, const std::string& before = "") {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Export</title></head>\n"
         "<body>\n" +
         before +
         "<table id=\"isi-report\">\n"
         " <tr class=\"sectionHeader\"><td isi-group=\"LocationProperties\">Location "
         "Properties</td></tr>\n"
         " <tr class=\"sectionMember\"><td><span isi-label=\"\">Location Name</span> = <span "
         "isi-value=\"\">FB-Bottom</span></td></tr>\n"
         " <tr class=\"sectionMember\"><td isi-property=\"TimeOffset\"><span>Time Offset</span> = "
         "<span>-08:00:00</span></td></tr>\n" +
         rows + "</table>\n</body></html>\n";
}

const std::string kHeader =
    " <tr class=\"dataHeader\" isi-data-table=\"\"><td>Date Time</td><td>Temperature (C)</td>"
    "<td>DO (mg/L)</td></tr>\n";

class ExcelHtml : public ::testing::Test {
 protected:
  // Writes `html`, parses it, and returns the Parquet's columns as `name TYPE` lines
  // then its rows, one a line: `'text'`, numbers, NULL, separated by ` | `.
  std::string Parse(const std::string& html) {
    testing::WriteFile(tmp_.path() / "in.htm", html);
    parsed_ = WriteParquet(con_, Format::kExcelHtml, Compression::kNone, {}, tmp_ / "in.htm", out(),
                           kName);
    engine::Result r =
        con_.Query("SELECT * FROM read_parquet(" + engine::QuoteLiteral(out()) + ")");
    std::string shown;
    for (size_t c = 0; c < r.column_count(); ++c)
      shown += r.column_names()[c] + " " + r.column_types()[c] + "\n";
    for (const auto& row : r.rows()) {
      for (size_t c = 0; c < row.size(); ++c)
        shown += (c ? " | " : "") +
                 (row[c].is_string() ? "'" + row[c].as_string() + "'" : row[c].ToString());
      shown += "\n";
    }
    EXPECT_EQ(TempTables(), 0);
    return shown;
  }

  // The error parsing `html` gives; checks that nothing is left behind.
  Error ParseError(const std::string& html) {
    testing::WriteFile(tmp_.path() / "in.htm", html);
    try {
      WriteParquet(con_, Format::kExcelHtml, Compression::kNone, {}, tmp_ / "in.htm", out(), kName);
    } catch (const Error& e) {
      EXPECT_FALSE(fs::exists(out())) << "no output on failure";
      EXPECT_EQ(TempTables(), 0) << "the temp table is dropped on failure";
      return e;
    }
    ADD_FAILURE() << "expected an error";
    return Error("");
  }

  int64_t TempTables() {
    return con_
        .Query(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '\\_\\_pond%' "
            "ESCAPE '\\'")
        .at(0, 0)
        .as_int();
  }

  std::string out() const { return tmp_ / "out.parquet"; }

  testing::TempDir tmp_;
  engine::Database db_;
  engine::Connection con_{db_};
  Parsed parsed_;
};

TEST_F(ExcelHtml, RealShapeWithMarkedColumnEmptyCellsAndEntities) {
  const std::string html = Page(
      " <tr class=\"dataHeader\" isi-data-table=\"\">\n"
      "  <td isi-data-column-header=\"DateTime\">Date Time</td>\n"
      "  <td isi-data-column-header=\"Parameter\">Temperature (&#176;C) (700001)</td>\n"
      "  <td isi-data-column-header=\"Parameter\">\n    DO &amp; more (mg/L) (700002)\n  </td>\n"
      "  <td isi-data-column-header=\"Marked\">Marked</td>\n </tr>\n"
      " <tr class=\"data\" isi-data-row=\"\" isi-timestamp=\"1\"><td class=\"dateTime\">"
      "2025-03-01 08:00:00</td><td isi-data-quality=\"4\">11.42</td><td>8.9</td><td></td></tr>\n"
      " <tr class=\"data\" isi-data-row=\"\"><td class=\"dateTime\">2025-03-01 08:15:00</td>"
      "<td></td><td>\n   8.8\n  </td><td>&nbsp;</td></tr>\n"
      " <tr class=\"data\" isi-data-row=\"\"><td class=\"dateTime\"> 2025-03-01 08:30:00 </td>"
      "<td>4.656613E-10</td><td>-0.5</td><td>1</td></tr>\n");
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\n"
            "Temperature (°C) (700001) DOUBLE\n"
            "DO & more (mg/L) (700002) DOUBLE\n"
            "Marked DOUBLE\n"
            "'2025-03-01 08:00:00' | 11.42 | 8.9 | NULL\n"
            "'2025-03-01 08:15:00' | NULL | 8.8 | NULL\n"
            "'2025-03-01 08:30:00' | 4.656613e-10 | -0.5 | 1\n");
  EXPECT_EQ(parsed_.rows, 3);
  EXPECT_EQ(parsed_.skipped, 0);
}

TEST_F(ExcelHtml, OmittedEndTagsAreImplied) {
  const std::string html = Page(
      " <tr class=\"dataHeader\" isi-data-table=\"\"><td>Date Time<td>Temperature (C)<td>DO "
      "(mg/L)\n"
      " <tr class=\"data\" isi-data-row=\"\"><td class=\"dateTime\">2025-03-01 08:00:00<td>11.42"
      "<td>8.9\n"
      " <tr class=\"data\" isi-data-row><td>2025-03-01 08:15:00<td><td>8.8\n"
      " <tr class=\"data\"><td><span>2025-03-01 08:30:00<td><b>12</b>.5<td>7\n");
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n"
            "'2025-03-01 08:00:00' | 11.42 | 8.9\n"
            "'2025-03-01 08:15:00' | NULL | 8.8\n"
            "'2025-03-01 08:30:00' | 12.5 | 7\n");
}

TEST_F(ExcelHtml, ShortRowsArePaddedAndJunkIsNull) {
  const std::string html =
      Page(kHeader +
           " <tr class=\"data\" isi-data-row=\"\"><td>2025-03-01 08:00:00</td><td>11.42</td></tr>\n"
           " <tr class=\"data\" isi-data-row=\"\"><td></td></tr>\n"
           " <tr class=\"data\" isi-data-row=\"\"></tr>\n"
           " <tr class=\"data\" isi-data-row=\"\"><td>x</td><td>n/a</td><td>1,5</td></tr>\n"
           " <tr class=\"data\" isi-data-row=\"\"><td>y</td><td>NaN</td><td>12abc</td></tr>\n"
           " <tr class=\"data\" isi-data-row=\"\"><td>z</td><td>inf</td><td> +3 </td></tr>\n");
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n"
            "'2025-03-01 08:00:00' | 11.42 | NULL\n"
            "NULL | NULL | NULL\n"
            "NULL | NULL | NULL\n"
            "'x' | NULL | NULL\n"
            "'y' | NULL | NULL\n"
            "'z' | NULL | NULL\n");
}

TEST_F(ExcelHtml, OnlyTheReportTableIsRead) {
  const std::string before =
      "<table><tr class=\"dataHeader\"><td>Other</td></tr>"
      "<tr class=\"data\"><td>1</td></tr></table>\n"
      "<table id=\"summary\"><tr><td>Readings</td><td>2</td></tr></table>\n";
  const std::string html =
      Page(kHeader +
               " <tr class=\"data\" isi-data-row=\"\"><td>2025-03-01 08:00:00</td><td>1</td>"
               "<td>2<table><tr class=\"data\"><td>9</td><td>9</td><td>9</td><td>9</td></tr>"
               "</table></td></tr>\n"
               " <tr class=\"sectionHeader\"><td>Notes</td></tr>\n"
               " <tr class=\"data\" isi-data-row=\"\"><td>2025-03-01 08:15:00</td><td>3</td>"
               "<td>4</td></tr>\n",
           before) +
      "<table><tr class=\"data\"><td>after</td></tr></table>";
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n"
            "'2025-03-01 08:00:00' | 1 | 2\n"
            "'2025-03-01 08:15:00' | 3 | 4\n");
}

TEST_F(ExcelHtml, TheRestOfThePageIsNotRead) {
  EXPECT_EQ(Parse(Page(kHeader) + "<p>not \xff UTF-8</p>"),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n");
}

TEST_F(ExcelHtml, HeaderOnlyIsAnEmptyTable) {
  EXPECT_EQ(Parse(Page(kHeader)), "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n");
  EXPECT_EQ(parsed_.rows, 0);
}

TEST_F(ExcelHtml, Utf8WhateverTheMetaCharsetSays) {
  std::string html =
      "\xEF\xBB\xBF" +
      Page(
          " <tr class=\"dataHeader\"><td>Date Time</td><td>Temperature (°C)</td>"
          "<td>Specific Conductivity (µS/cm)</td></tr>\n"
          " <tr class=\"data\"><td>2025-03-01 08:00:00</td><td>1</td><td>2</td></tr>\n");
  html.replace(html.find("utf-8"), 5, "windows-1252");
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\nTemperature (°C) DOUBLE\nSpecific Conductivity (µS/cm) DOUBLE\n"
            "'2025-03-01 08:00:00' | 1 | 2\n");
}

TEST_F(ExcelHtml, PageWithoutTheReportTable) {
  Error e = ParseError("<html><body><table><tr><td>Date Time</td></tr></table></body></html>");
  EXPECT_EQ(e.message(), "no table id=\"isi-report\"");
  EXPECT_EQ(e.where(), kName);
  EXPECT_EQ(ParseError("").message(), "no table id=\"isi-report\"");
  EXPECT_EQ(ParseError("plain text, not a page\n").message(), "no table id=\"isi-report\"");
  // A compressed file read as HTML by mistake.
  EXPECT_EQ(ParseError("\x1f\x8b\x08\xa3 gzip bytes").message(), "not valid UTF-8");
}

TEST_F(ExcelHtml, TableWithoutHeaderRow) {
  Error e = ParseError(Page(" <tr class=\"sectionMember\"><td>Readings = 0</td></tr>\n"));
  EXPECT_EQ(e.message(), "no header row (class dataHeader) in table id=\"isi-report\"");
  EXPECT_EQ(e.where(), kName);
}

TEST_F(ExcelHtml, DataRowBeforeTheHeader) {
  Error e = ParseError(Page(" <tr class=\"data\"><td>1</td></tr>\n" + kHeader));
  EXPECT_EQ(e.message(), "a data row before the header row (class dataHeader)");
  EXPECT_EQ(e.where(), std::string(kName) + ":8");  // the file's line
}

TEST_F(ExcelHtml, RowWithMoreCellsThanTheHeader) {
  Error e = ParseError(Page(kHeader + " <tr class=\"data\"><td>a</td><td>1</td><td>2</td></tr>\n" +
                            " <tr class=\"data\"><td>b</td><td>1</td><td>2</td><td></td></tr>\n"));
  EXPECT_EQ(e.message(), "data row 2 has more cells than the header's 3");
  EXPECT_EQ(e.where(), std::string(kName) + ":10");
}

TEST_F(ExcelHtml, SecondHeaderRow) {
  Error e = ParseError(Page(kHeader + kHeader));
  EXPECT_EQ(e.message(),
            "a second header row (class dataHeader): one data table per export is read");
}

TEST_F(ExcelHtml, DuplicateAndEmptyColumnNames) {
  EXPECT_EQ(ParseError(Page(" <tr class=\"dataHeader\"><td>Date Time</td><td>DO</td><td>DO"
                            "</td></tr>\n"))
                .message(),
            "duplicate column 'DO'");
  // DuckDB's names are case-insensitive: these two could not both be columns.
  Error e = ParseError(Page(" <tr class=\"dataHeader\"><td>pH</td><td>PH</td></tr>\n"));
  EXPECT_EQ(e.message(), "duplicate column 'PH'");
  EXPECT_EQ(e.where(), kName);
  EXPECT_EQ(
      ParseError(Page(" <tr class=\"dataHeader\"><td>Date Time</td><td> </td></tr>\n")).message(),
      "header column 2 has no name");
}

TEST_F(ExcelHtml, BytesThatAreNotUtf8) {
  Error e = ParseError(Page(kHeader + " <tr class=\"data\"><td>a</td><td>1\xB0</td></tr>\n"));
  EXPECT_EQ(e.message(), "not valid UTF-8");
  EXPECT_EQ(e.where(), std::string(kName) + ":9");
}

TEST_F(ExcelHtml, UppercaseTagsQuotesAndMarkupThatIsNotTheTable) {
  const std::string html = Page(
      " <TR CLASS=dataHeader isi-data-table><TD TITLE='a>b'>Date Time<TD>Temperature (C)"
      "<TD>DO (mg/L)\n"
      " <!-- <tr class=\"data\"><td>commented out</td></tr> -->\n"
      " <Tr Class=\"data\" isi-timestamp=\"1>2\"><Td>2025-03-01 08:00:00<tD title=\"</td>\">1"
      "<script>document.write('</td><td>9');</script><td>2<![CDATA[</td><td>]]></tr>\n"
      " <tr class='data'><td>2025-03-01 08:15:00<td>3&#46;5<td>4<style>td{}</style>\n");
  EXPECT_EQ(Parse(html),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n"
            "'2025-03-01 08:00:00' | 1 | 2\n"
            "'2025-03-01 08:15:00' | 3.5 | 4\n");
}

TEST_F(ExcelHtml, FileCutShort) {
  // Ending inside a tag or attribute: what it meant is unknown, so nothing is read.
  const std::string rows =
      kHeader + " <tr class=\"data\"><td>2025-03-01 08:00:00</td><td>1</td><td>2</td></tr>\n";
  std::string html = Page(rows);
  html.resize(html.find("</table>"));
  for (const char* cut : {" <tr class=\"da", " <tr class=\"data\"><td>2025</t", " <"}) {
    Error e = ParseError(html + cut);
    EXPECT_EQ(e.message(), "the file ends inside a tag");
    EXPECT_EQ(e.where(), std::string(kName) + ":10");
  }
  EXPECT_EQ(ParseError(html + " <tr><td><!-- x").message(), "the file ends inside a comment");
  // Ending in text: the rows read so far, the last one padded.
  EXPECT_EQ(Parse(html + " <tr class=\"data\"><td>2025-03-01 08:15:00</td><td>3"),
            "Date Time VARCHAR\nTemperature (C) DOUBLE\nDO (mg/L) DOUBLE\n"
            "'2025-03-01 08:00:00' | 1 | 2\n"
            "'2025-03-01 08:15:00' | 3 | NULL\n");
}

TEST_F(ExcelHtml, BigExportMatchesTheSameRowsReadAsCsv) {
  testing::HydroVuExportSpec spec;
  spec.rows = 20'000;
  spec.parameters = 14;
  testing::WriteHydroVuExport(spec, tmp_ / "big.htm", tmp_ / "big.csv");
  parsed_ = WriteParquet(con_, Format::kExcelHtml, Compression::kNone, {}, tmp_ / "big.htm", out(),
                         kName);
  EXPECT_EQ(parsed_.rows, spec.rows);
  // The CSV read as text, each reading cast: the same table, row for row.
  std::string cast = "\"Date Time\"";
  for (const auto& name : testing::HydroVuParameterNames(spec.parameters))
    cast += ", TRY_CAST(" + engine::QuoteIdent(name) + " AS DOUBLE) AS " + engine::QuoteIdent(name);
  const std::string ours =
      "SELECT row_number() OVER () AS n, * EXCLUDE (Marked) FROM read_parquet(" +
      engine::QuoteLiteral(out()) + ")";
  const std::string csv = "SELECT row_number() OVER () AS n, " + cast + " FROM read_csv(" +
                          engine::QuoteLiteral(tmp_ / "big.csv") +
                          ", header = true, all_varchar = true)";
  engine::Result diff =
      con_.Query("SELECT count(*) FROM ((" + ours + ") EXCEPT (" + csv +
                 ")) UNION ALL SELECT count(*) FROM ((" + csv + ") EXCEPT (" + ours + "))");
  EXPECT_EQ(diff.at(0, 0).as_int(), 0);
  EXPECT_EQ(diff.at(1, 0).as_int(), 0);
  engine::Result r = con_.Query("SELECT count(*) AS n, count(\"Marked\") AS marked, count(" +
                                engine::QuoteIdent(testing::HydroVuParameterNames(1)[0]) +
                                ") AS t FROM read_parquet(" + engine::QuoteLiteral(out()) + ")");
  EXPECT_EQ(r.at(0, "n").as_int(), spec.rows);
  EXPECT_EQ(r.at(0, "marked").as_int(), 0);
  EXPECT_LT(r.at(0, "t").as_int(), spec.rows) << "some cells are empty";
}

}  // namespace
}  // namespace pond::formats
