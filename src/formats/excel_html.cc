// WriteExcelHtml (parsers.h): the isi-report table of a HydroVu export, appended row
// by row to a temp table and copied to Parquet by DuckDB. `Date Time` stays VARCHAR
// (the export's local time, its offset in metadata we do not read); every other
// column is DOUBLE.
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "base/error.h"
#include "base/strings.h"
#include "formats/isi_report.h"
#include "formats/parsers.h"

namespace pond::formats {

namespace {

constexpr std::string_view kDateTime = "Date Time";

// A reading, or nullopt for an empty or unreadable cell. NaN and infinities are
// nullopt too: one would make every average over the column NaN.
std::optional<double> Reading(const std::string& cell) {
  double v = 0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A temp table dropped when the scope ends, whatever happened.
class TempTable {
 public:
  explicit TempTable(engine::Connection& con) : con_(con) {
    static std::atomic<uint64_t> next{0};
    name_ = "__pond_excelhtml_" + std::to_string(next++);
  }
  ~TempTable() {
    try {
      con_.Execute("DROP TABLE IF EXISTS " + engine::QuoteIdent(name_));
    } catch (const Error&) {
      // The connection is broken: the temp table goes with it.
    }
  }
  const std::string& name() const { return name_; }

 private:
  engine::Connection& con_;
  std::string name_;
};

// Creates the table from the header and appends each row.
class TableWriter : public IsiReportSink {
 public:
  TableWriter(engine::Connection& con, const TempTable& table, const std::string& name)
      : con_(con), table_(table), name_(name) {}

  void Header(const std::vector<std::string>& names) override {
    std::set<std::string> seen;  // SQL names are case-insensitive
    std::string columns;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty())
        throw Error("header column " + std::to_string(i + 1) + " has no name", name_);
      if (!seen.insert(AsciiLower(names[i])).second)
        throw Error("duplicate column '" + names[i] + "'", name_);
      const bool text = names[i] == kDateTime;
      text_.push_back(text);
      columns += (i ? ", " : "") + engine::QuoteIdent(names[i]) + (text ? " VARCHAR" : " DOUBLE");
    }
    con_.Execute("CREATE TEMP TABLE " + engine::QuoteIdent(table_.name()) + " (" + columns + ")");
    appender_ = std::make_unique<engine::Appender>(con_, table_.name());
  }

  void Row(const std::vector<std::string>& cells) override {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (text_[i] && !cells[i].empty()) {
        appender_->Text(cells[i]);
      } else if (auto v = text_[i] ? std::nullopt : Reading(cells[i])) {
        appender_->Double(*v);
      } else {
        appender_->Null();
      }
    }
    appender_->EndRow();
  }

  // Flushes the rows to the table.
  void Close() {
    if (appender_) appender_->Close();
  }

 private:
  engine::Connection& con_;
  const TempTable& table_;
  const std::string& name_;
  std::vector<bool> text_;  // per column: VARCHAR (Date Time), else DOUBLE
  std::unique_ptr<engine::Appender> appender_;
};

}  // namespace

Parsed WriteExcelHtml(engine::Connection& con, const std::string& input, const std::string& output,
                      const std::string& name) {
  TempTable table(con);
  try {
    int64_t rows = 0;
    {
      TableWriter writer(con, table, name);  // its appender ends before the COPY
      rows = ReadIsiReport(input, name, writer);
      writer.Close();
    }
    // DuckDB keeps insertion order (preserve_insertion_order): the file's row order.
    con.Execute("COPY (SELECT * FROM " + engine::QuoteIdent(table.name()) + ") TO " +
                engine::QuoteLiteral(output) + " (FORMAT parquet)");
    return Parsed{rows, 0};
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(output, ec);
    throw;
  }
}

}  // namespace pond::formats
