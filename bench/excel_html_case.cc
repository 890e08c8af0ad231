// Case 16 (issue #32): a 50 MB HydroVu "Excel HTML" export read as the excelhtml
// format (formats::WriteParquet, in a child of this program) against DuckDB reading
// the same rows from CSV, both to Parquet, in the same run. The HTML is about five
// times the CSV's bytes: each reading carries its <td> and In-Situ's attributes.
#include <fmt/format.h>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"
#include "support/hydrovu_html.h"

namespace pond::bench {

namespace {

constexpr double kTargetBytes = 50e6;

int64_t ParquetRows(const fs::path& file) {
  engine::Database db;
  engine::Connection con(db);
  return con.Query("SELECT count(*) FROM read_parquet(" + engine::QuoteLiteral(file.string()) + ")")
      .at(0, 0)
      .as_int();
}

}  // namespace

std::vector<Row> ExcelHtmlCase(const Bench& b) {
  Progress("16 excelhtml 50 MB vs CSV");
  const fs::path html = b.work / "export.htm", csv = b.work / "export.csv";
  testing::HydroVuExportSpec spec;
  spec.rows = 1000;  // sized from a small export's bytes per row
  const double row_bytes = static_cast<double>(testing::WriteHydroVuExport(spec, html)) / 1000;
  spec.rows = static_cast<int64_t>(kTargetBytes / row_bytes);
  const int64_t html_bytes = testing::WriteHydroVuExport(spec, html, csv.string());

  const fs::path ours_out = b.work / "excelhtml.parquet", reference_out = b.work / "csv.parquet";
  Side ours = [&] {
    fs::remove(ours_out);
    return RunChild({b.self, "run-format", "excelhtml", html.string(), ours_out.string()});
  };
  Side reference = [&] {
    fs::remove(reference_out);
    return b.Sql({fmt::format(
        "COPY (SELECT * FROM read_csv({}, header = true)) TO {} (FORMAT parquet)",
        engine::QuoteLiteral(csv.string()), engine::QuoteLiteral(reference_out.string()))});
  };
  auto t = Alternate(b.repeat, {ours, reference});
  if (ParquetRows(ours_out) != spec.rows || ParquetRows(reference_out) != spec.rows)
    throw Error("a side did not write every row", "case 16");
  Row row = SideBySide("16", "excelhtml 50 MB vs CSV (WriteParquet vs read_csv -> Parquet)", t[0],
                       t[1], 2.0);
  row.note = fmt::format("{} rows x {} columns; HTML {:.1f} MB at {:.1f} MB/s, CSV {:.1f} MB",
                         spec.rows, spec.parameters + 2, html_bytes / 1e6,
                         html_bytes / 1e6 / t[0].seconds, fs::file_size(csv) / 1e6);
  if (!b.keep)
    for (const auto& f : {html, csv, ours_out, reference_out}) fs::remove(f);
  return {row};
}

}  // namespace pond::bench
