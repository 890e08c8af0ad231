// The data table of a HydroVu "Excel HTML" export (`…_Export.htm`): the page's
// <table id="isi-report"> holds metadata rows (class sectionHeader, sectionMember),
// one column-header row, then one row per reading. Internal to the formats layer.
//
// Promises:
// - The header is the first row of the table whose class has the token `dataHeader`
//   or that has the attribute `isi-data-table`; data rows are those with the class
//   token `data` or the attribute `isi-data-row`. Other rows (the metadata) are
//   skipped, and so are rows of tables nested in the report's cells.
// - A cell's text is its <td> (or <th>) text, entities decoded, with whitespace
//   (and the no-break space of `&nbsp;`) trimmed from both ends. Rows with fewer
//   cells than the header are padded with empty cells.
// - Errors name `name`, and the line where there is one (`<name>:<line>`): no report
//   table; no header row; a data row before the header row; a second header row; a
//   data row with more cells than the header (no guess at which cell is extra).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pond::formats {

// Receives the table as it is read.
class IsiReportSink {
 public:
  virtual ~IsiReportSink() = default;
  // The column names, once, before any row.
  virtual void Header(const std::vector<std::string>& names) = 0;
  // One data row: as many cells as names, "" for an empty or missing one.
  virtual void Row(const std::vector<std::string>& cells) = 0;
};

// Streams the report table of the HTML host file `path` into `sink` and returns the
// number of data rows.
int64_t ReadIsiReport(const std::string& path, const std::string& name, IsiReportSink& sink);

}  // namespace pond::formats
