// InputNode (inputs.h): a match of an input URL read as Parquet or through a format
// (docs/inputs.md). The table of each version is made once and kept in the pond's
// result cache under `input-parse/`, keyed by what it was read from (the scheme, its
// options and the bytes' identity), beside a text with its times and skipped lines:
// an hourly read of a growing set of logs parses only the new files.
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "store/result_cache.h"

namespace pond::factories {

namespace {

constexpr const char* kKind = "input-parse";

std::string ReadName(const InputUrl& url) {
  switch (url.read) {
    case InputUrl::Read::kNode: return "file";
    case InputUrl::Read::kParquet: return "parquet";
    case InputUrl::Read::kBytes: return "data";
    case InputUrl::Read::kFormat: break;
  }
  std::string name = formats::FormatName(url.format) + "+" + formats::CompressionName(url.compression);
  for (const auto& [k, v] : url.options) name += "&" + k + "=" + v;
  return name;
}

// Whether the host file at `path` is Parquet: `PAR1` at both ends.
bool IsParquet(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[4] = {}, tail[4] = {};
  if (!in.read(head, 4)) return false;
  in.seekg(-4, std::ios::end);
  if (!in.read(tail, 4)) return false;
  return std::string(head, 4) == "PAR1" && std::string(tail, 4) == "PAR1";
}

// The times of the table in `file` when it has a timestamp column; nullopt otherwise.
std::optional<TimeExtent> ExtentOf(View& view, const std::string& file, const std::string& where) {
  const std::string relation = "(SELECT * FROM read_parquet(" + sql::Literal(file) + "))";
  const auto columns = view.Describe(relation);
  const sql::Column* time = sql::FindColumn(columns, "timestamp");
  if (!time || time->type.rfind("TIMESTAMP", 0) != 0) return std::nullopt;
  const std::string t = sql::TimeExpr(columns, "timestamp", where);
  engine::Result r = view.pond().sql().Query(
      "SELECT epoch_us(min(" + t + ")), epoch_us(max(" + t + ")), count(*) FILTER (WHERE " + t +
      " IS NULL) FROM " + relation);
  TimeExtent e;
  e.null_times = r.at(0, 2).as_int() > 0;
  if (!r.at(0, 0).is_null()) e = TimeExtent{false, r.at(0, 0).as_int(), r.at(0, 1).as_int(), e.null_times};
  return e;
}

// The cache's text beside a parse: `skipped N`, then `times EMPTY|MIN MAX NULLS` when
// the table has times.
std::string FormatInfo(const View::ParsedInput& p) {
  std::string text = "skipped " + std::to_string(p.skipped) + "\n";
  if (p.extent)
    text += "times " + (p.extent->empty ? std::string("empty") : std::to_string(p.extent->min) + " " + std::to_string(p.extent->max)) +
            " " + std::to_string(p.extent->null_times ? 1 : 0) + "\n";
  return text;
}

// The text as FormatInfo wrote it into `p` (file left as is); false when it is not.
bool ParseInfo(const std::string& text, View::ParsedInput& p) {
  std::istringstream in(text);
  std::string word, first;
  if (!(in >> word >> p.skipped) || word != "skipped") return false;
  if (!(in >> word)) return true;
  if (word != "times" || !(in >> first)) return false;
  TimeExtent e;
  int nulls = 0;
  if (first == "empty") {
    if (!(in >> nulls)) return false;
  } else {
    e.empty = false;
    try {
      e.min = std::stoll(first);
    } catch (const std::exception&) {
      return false;
    }
    if (!(in >> e.max >> nulls)) return false;
  }
  e.null_times = nulls != 0;
  p.extent = e;
  return true;
}

class FormattedInput : public Generated {
 public:
  FormattedInput(Node inner, InputUrl url, bool series)
      : inner_(std::move(inner)), url_(std::move(url)), series_(series) {}

  Shape shape() const override { return series_ ? Shape::kSeries : Shape::kTable; }

  std::string RelationSql(View& view) const override {
    return "(SELECT * FROM read_parquet(" + sql::Literal(Parsed(view).file) + "))";
  }

  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    const View::ParsedInput& p = Parsed(view);
    std::string relation = "(SELECT * FROM read_parquet(" + sql::Literal(p.file) + "))";
    // Only a table whose `timestamp` is a TIMESTAMP (oteljson's) is cut here; others
    // are read whole and their readers filter (View::RelationSql allows both).
    if (!p.extent || url_.read != InputUrl::Read::kFormat) return relation;
    const std::string where = sql::WhereInRange(sql::Ident("timestamp"), range);
    return where.empty() ? relation : "(SELECT * FROM " + relation + where + ")";
  }

  std::optional<std::string> Identity(View& view, const TimeRange&) const override {
    return Key(view);
  }

  std::optional<TimeExtent> Extent(View& view) const override {
    if (!series_) return std::nullopt;
    return Parsed(view).extent;
  }

  bool CheapToReread(View&) const override { return true; }

 private:
  // What the table is made from; nullopt when the bytes' identity is unknown.
  std::optional<std::string> Key(View& view) const {
    return Digest({"input parse", ReadName(url_), view.Identity(inner_, {})});
  }

  const View::ParsedInput& Parsed(View& view) const {
    const std::optional<std::string> key = Key(view);
    const std::string memo = key ? *key : "node " + inner_.path + " " + url_.text;
    auto& parsed = view.parsed_inputs();
    if (auto it = parsed.find(memo); it != parsed.end()) return it->second;
    View::ParsedInput p = Find(view, key);
    if (p.skipped > 0)
      view.WarnOnce(std::to_string(p.skipped) + " malformed line(s) skipped", inner_.path);
    return parsed.emplace(memo, std::move(p)).first->second;
  }

  View::ParsedInput Find(View& view, const std::optional<std::string>& key) const {
    store::ResultCache& cache = view.pond().cache();
    const bool cached = key && store::ResultCache::Enabled();
    View::ParsedInput p;
    // A stored data node's blob is already a Parquet file to read in place.
    if (url_.read == InputUrl::Read::kParquet && inner_.stored) {
      p.file = view.pond().DataPath(*inner_.stored);
      if (!IsParquet(p.file))
        throw Error("not a Parquet file (series:// and table:// read data files as Parquet)",
                    inner_.path);
      if (auto text = cached ? cache.FindText(kKind, *key) : std::nullopt; text && ParseInfo(*text, p))
        return p;
      p.extent = ExtentOf(view, p.file, inner_.path);
      if (cached) cache.PutText(kKind, *key, FormatInfo(p));
      return p;
    }
    if (cached) {
      if (auto file = cache.Find(kKind, *key)) {
        p.file = *file;
        if (auto text = cache.FindText(kKind, *key); text && ParseInfo(*text, p)) return p;
        p.extent = ExtentOf(view, p.file, inner_.path);
        return p;
      }
    }
    // The bytes as a host file: a stored blob in place; a computed file, or a file:log
    // in several blobs (docs/append-only.md), written out.
    std::string input;
    if (inner_.stored && view.pond().DataPieces(*inner_.stored).size() == 1) {
      input = view.pond().DataPath(*inner_.stored);
    } else {
      input = view.TempFile(".in");
      std::ofstream out(input, std::ios::binary);
      view.StreamData(inner_, [&](std::string_view b) {
        if (!out.write(b.data(), static_cast<std::streamsize>(b.size())))
          throw Error("cannot write a temporary file", input);
      });
      if (!out.flush()) throw Error("cannot write a temporary file", input);
    }
    const auto write = [&](const std::string& output) {
      if (url_.read == InputUrl::Read::kParquet) {
        // A computed data file's bytes, kept as they are once checked.
        if (!IsParquet(input))
          throw Error("not a Parquet file (series:// and table:// read data files as Parquet)",
                      inner_.path);
        std::ifstream in(input, std::ios::binary);
        std::ofstream out(output, std::ios::binary);
        out << in.rdbuf();
        return;
      }
      p.skipped = formats::WriteParquet(view.pond().sql(), url_.format, url_.compression,
                                        url_.options, input, output, inner_.path)
                      .skipped;
    };
    std::optional<std::string> file = cached ? cache.PutFile(kKind, *key, write) : std::nullopt;
    if (!file) {
      // No cache (off, read-only, full disk) or the parse failed there: parse into
      // this View's own folder, where a format error is raised as it is.
      file = view.TempFile(".parquet");
      write(*file);
    }
    p.file = *file;
    p.extent = ExtentOf(view, p.file, inner_.path);
    if (cached) cache.PutText(kKind, *key, FormatInfo(p));
    return p;
  }

  Node inner_;
  InputUrl url_;
  bool series_;
};

}  // namespace

Node InputNode(View& view, const InputUrl& url, const std::string& path) {
  Node node = view.Get(path);
  switch (url.read) {
    case InputUrl::Read::kNode:
      return node;
    case InputUrl::Read::kBytes:
      if (node.shape != Shape::kData) throw Error("not a data file (data:// reads bytes)", path);
      return node;
    case InputUrl::Read::kParquet:
      if (node.shape == Shape::kTable || node.shape == Shape::kSeries) return node;
      break;
    case InputUrl::Read::kFormat:
      break;
  }
  if (node.shape != Shape::kData)
    throw Error("not a data file (" + url.text.substr(0, url.text.find("://")) +
                    ":// reads a file's bytes)",
                path);
  // A series when the URL says so or the format has times (oteljson); a table when
  // it says table.
  const bool series = url.entry == InputUrl::Entry::kNone
                          ? url.read == InputUrl::Read::kFormat && url.format == formats::Format::kOtelJson
                          : url.entry == InputUrl::Entry::kSeries;
  Node out = node;
  out.shape = series ? Shape::kSeries : Shape::kTable;
  out.listed_kind = ListedKind(out.shape);
  out.generated = std::make_shared<FormattedInput>(node, url, series);
  out.stored.reset();
  return out;
}

}  // namespace pond::factories
