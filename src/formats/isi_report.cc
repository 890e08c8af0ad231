// ReadIsiReport (isi_report.h): a handler of the HTML stream that follows the report
// table's rows and cells, keeping one row at a time.
#include "formats/isi_report.h"

#include "base/error.h"
#include "formats/html_scanner.h"

namespace pond::formats {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The bytes of the blank starting at `i` (ASCII whitespace, or U+00A0 as UTF-8
// C2 A0: `&nbsp;`, which exports often write in empty cells), 0 for none.
size_t BlankAt(const std::string& s, size_t i) {
  if (i < s.size() && IsSpace(s[i])) return 1;
  if (i + 1 < s.size() && s[i] == '\xC2' && s[i + 1] == '\xA0') return 2;
  return 0;
}

// The bytes of the blank ending at `end`, 0 for none.
size_t BlankBefore(const std::string& s, size_t end) {
  if (end >= 1 && IsSpace(s[end - 1])) return 1;
  if (end >= 2 && s[end - 2] == '\xC2' && s[end - 1] == '\xA0') return 2;
  return 0;
}

// Trims blanks from both ends, in place.
void Trim(std::string& s) {
  size_t begin = 0, end = s.size();
  while (size_t n = BlankAt(s, begin)) begin += n;
  while (size_t n = end > begin ? BlankBefore(s, end) : 0) end -= n;
  s.erase(end);
  s.erase(0, begin);
}

// Whether the whitespace-separated `list` (a class attribute) holds `token`.
bool HasToken(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsSpace(list[i])) ++i;
    size_t j = i;
    while (j < list.size() && !IsSpace(list[j])) ++j;
    if (list.substr(i, j - i) == token) return true;
    i = j;
  }
  return false;
}

enum class RowKind { kNone, kHeader, kData, kOther };

RowKind KindOf(const HtmlAttributes& attributes) {
  const std::string_view classes = attributes.Find("class").value_or("");
  if (HasToken(classes, "dataHeader") || attributes.Find("isi-data-table")) return RowKind::kHeader;
  if (HasToken(classes, "data") || attributes.Find("isi-data-row")) return RowKind::kData;
  return RowKind::kOther;
}

class IsiReportReader : public HtmlHandler {
 public:
  IsiReportReader(const std::string& name, IsiReportSink& sink) : name_(name), sink_(sink) {}

  void Start(std::string_view element, const HtmlAttributes& attributes) override {
    if (tables_ == 0) {
      if (element == "table" && attributes.Find("id") == "isi-report") {
        tables_ = 1;
        found_ = true;
      }
      return;
    }
    if (element == "table") ++tables_;
    if (tables_ > 1) return;
    if (element == "tr") {
      EndRow();  // the previous row's </tr> may be omitted
      BeginRow(KindOf(attributes));
    } else if ((element == "td" || element == "th") && row_ != RowKind::kNone) {
      BeginCell();
    }
  }

  void End(std::string_view element) override {
    if (tables_ == 0) return;
    if (element == "table" && --tables_ == 0) {
      EndRow();
      Stop();  // the rest of the page is not read
    }
    if (tables_ != 1) return;
    if (element == "tr") {
      EndRow();
    } else if (element == "td" || element == "th") {
      EndCell();
    }
  }

  void Text(std::string_view text) override {
    if (in_cell_ && tables_ == 1) cells_[n_cells_].append(text);
  }

  // After the read: the errors of what was not there.
  int64_t Finish() {
    if (!found_) throw Error("no table id=\"isi-report\"", name_);
    if (tables_ > 0) EndRow();  // the file ended inside the table
    if (!header_seen_)
      throw Error("no header row (class dataHeader) in table id=\"isi-report\"", name_);
    return rows_;
  }

 private:
  // `<name>:<line>`, or `<name>` after the read (when there is no line).
  std::string Where() const {
    const int at = line();
    return at > 0 ? name_ + ":" + std::to_string(at) : name_;
  }

  void BeginRow(RowKind kind) {
    if (kind == RowKind::kHeader && header_seen_)
      throw Error("a second header row (class dataHeader): one data table per export is read",
                  Where());
    if (kind == RowKind::kData && !header_seen_)
      throw Error("a data row before the header row (class dataHeader)", Where());
    row_ = kind;
    n_cells_ = 0;
  }

  void BeginCell() {
    EndCell();  // the previous cell's </td> may be omitted
    if (row_ == RowKind::kOther) return;
    if (row_ == RowKind::kData && n_cells_ == width_)
      throw Error("data row " + std::to_string(rows_ + 1) + " has more cells than the header's " +
                      std::to_string(width_),
                  Where());
    if (n_cells_ == cells_.size()) cells_.emplace_back();
    cells_[n_cells_].clear();
    in_cell_ = true;
  }

  void EndCell() {
    if (!in_cell_) return;
    Trim(cells_[n_cells_++]);
    in_cell_ = false;
  }

  void EndRow() {
    EndCell();
    if (row_ == RowKind::kHeader) {
      if (n_cells_ == 0) throw Error("the header row (class dataHeader) has no cells", Where());
      width_ = n_cells_;
      cells_.resize(width_);
      header_seen_ = true;
      sink_.Header(cells_);
    } else if (row_ == RowKind::kData) {
      for (size_t i = n_cells_; i < width_; ++i) cells_[i].clear();
      sink_.Row(cells_);
      ++rows_;
    }
    row_ = RowKind::kNone;
  }

  const std::string& name_;
  IsiReportSink& sink_;
  int tables_ = 0;  // open tables from the report's own (1) inwards; 0 outside it
  bool found_ = false;
  bool header_seen_ = false;
  RowKind row_ = RowKind::kNone;
  bool in_cell_ = false;
  std::vector<std::string> cells_;  // the row's cells, reused: no allocation per row
  size_t n_cells_ = 0;              // cells begun and ended in this row
  size_t width_ = 0;                // the header's cells
  int64_t rows_ = 0;
};

}  // namespace

int64_t ReadIsiReport(const std::string& path, const std::string& name, IsiReportSink& sink) {
  IsiReportReader reader(name, sink);
  ReadHtmlFile(path, name, reader);
  return reader.Finish();
}

}  // namespace pond::formats
