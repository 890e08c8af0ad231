// InputNode (inputs.h): a match of an input URL read as Parquet or through a format
// (docs/inputs.md). The table of each stored blob's bytes is made once and kept in the
// pond's result cache under `input-parse/`, keyed by what it was read from (the
// scheme, its options and the bytes' identity), beside a text with its times and
// skipped lines: an hourly read of a growing set of logs parses only the new files,
// and of a growing append-only log only its new piece.
#include <algorithm>
#include <filesystem>
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

// The relation of the parsed tables in `files` (SQL literals). One file is read as a
// stored series is, without union_by_name's binding of every file's schema.
std::string ParquetRelation(const std::vector<std::string>& files) {
  if (files.size() == 1) return "(SELECT * FROM read_parquet(" + files[0] + "))";
  std::string list;
  for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
  return "(SELECT * FROM read_parquet([" + list + "], union_by_name = true))";
}

// The times of the table in `file` when it has a timestamp column; nullopt otherwise.
std::optional<TimeExtent> ExtentOf(View& view, const std::string& file, const std::string& where) {
  // A one-part input's relation: the View binds its columns once for both.
  const std::string relation = ParquetRelation({sql::Literal(file)});
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

// One part of a node's bytes parsed on its own (its table kept under `key`): the whole
// file; or, for a line format over a file:log, the complete lines of one stored piece
// (with the unfinished line of the pieces before it carried in), and the file's
// unfinished last line. Pieces are immutable blobs, so each is parsed once: an hourly
// append parses only its own bytes (docs/inputs.md, "Each version is parsed once").
using Part = View::InputPart;
using Range = View::InputRange;

// Offset just past the last '\n' among the first `size` bytes of host file `path`; 0
// when there is none. Reads backwards: a line's length, not the piece's.
int64_t AfterLastNewline(const std::string& path, int64_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read file", path);
  constexpr int64_t kBlock = 1 << 16;
  std::string block;
  for (int64_t end = size; end > 0;) {
    const int64_t begin = std::max<int64_t>(0, end - kBlock);
    block.resize(static_cast<size_t>(end - begin));
    in.seekg(begin);
    if (!in.read(block.data(), static_cast<std::streamsize>(block.size())))
      throw Error("cannot read file", path);
    if (const size_t nl = block.rfind('\n'); nl != std::string::npos)
      return begin + static_cast<int64_t>(nl) + 1;
    end = begin;
  }
  return 0;
}

class FormattedInput : public Generated {
 public:
  FormattedInput(Node inner, InputUrl url, bool series)
      : inner_(std::move(inner)), url_(std::move(url)), series_(series) {}

  Shape shape() const override { return series_ ? Shape::kSeries : Shape::kTable; }

  std::string RelationSql(View& view) const override {
    std::vector<std::string> files;
    for (const View::ParsedInput* p : Parsed(view)) files.push_back(sql::Literal(p->file));
    return ParquetRelation(files);
  }

  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    const std::string relation = RelationSql(view);
    // Only a table whose `timestamp` is a TIMESTAMP (oteljson's) is cut here; others
    // are read whole and their readers filter (View::RelationSql allows both).
    if (!series_ || url_.read != InputUrl::Read::kFormat) return relation;
    const std::string where = sql::WhereInRange(sql::Ident("timestamp"), range);
    return where.empty() ? relation : "(SELECT * FROM " + relation + where + ")";
  }

  // The parts' keys; over a time range, of the parts with rows in it only, and the
  // columns of all (the rows' columns): an append whose rows are all later leaves the
  // identity of earlier ranges as it was, so a reduction's cold spans keep their keys.
  std::optional<std::string> Identity(View& view, const TimeRange& range) const override {
    std::vector<std::optional<std::string>> keys{"input parts"};
    const std::vector<Part>& parts = Parts(view);
    if (!series_ || range == TimeRange{}) {
      for (const Part& part : parts) keys.push_back(part.key);
      return Digest(keys);
    }
    const std::vector<const View::ParsedInput*> parsed = Parsed(view);
    for (size_t i = 0; i < parts.size(); ++i)
      if (!parsed[i]->extent || !parsed[i]->extent->Outside(range)) keys.push_back(parts[i].key);
    for (const auto& c : view.Describe(RelationSql(view))) keys.push_back(c.name + " " + c.type);
    return Digest(keys);
  }

  std::optional<TimeExtent> Extent(View& view) const override {
    if (!series_) return std::nullopt;
    TimeExtent out;
    for (const View::ParsedInput* p : Parsed(view)) {
      if (!p->extent) return std::nullopt;
      out.Add(*p->extent);
    }
    return out;
  }

  bool CheapToReread(View&) const override { return true; }

 private:
  bool ByLine() const {
    return url_.read == InputUrl::Read::kFormat && url_.compression == formats::Compression::kNone &&
           (url_.format == formats::Format::kOtelJson || url_.format == formats::Format::kJsonLogs);
  }

  const std::vector<Part>& Parts(View& view) const {
    auto& memo = view.input_parts();
    const std::string at = inner_.path + " " + url_.text;
    auto it = memo.find(at);
    if (it == memo.end()) it = memo.emplace(at, ReadParts(view)).first;
    return it->second;
  }

  std::vector<Part> ReadParts(View& view) const {
    const std::string how = ReadName(url_);
    if (!inner_.stored)
      return {Part{Digest({"input parse", how, view.Identity(inner_, {})}), {}}};
    // The layout only: a part's blobs are verified when it is parsed (Bytes), not for
    // every key; a year of cached logs is not hashed again by every command.
    const std::vector<store::DataPiece> pieces =
        view.pond().DataPieces(*inner_.stored, /*verify=*/false);
    if (pieces.size() == 1 || !ByLine()) {
      std::vector<Range> ranges;
      if (pieces.size() == 1) ranges.push_back({pieces[0].path, 0, pieces[0].size});
      return {Part{Digest({"input parse", how, view.Identity(inner_, {})}), ranges}};
    }
    std::vector<Part> parts;
    std::vector<Range> carry;
    const auto key_of = [&](const std::vector<Range>& ranges) {
      std::vector<std::optional<std::string>> k{"input parse lines", how};
      for (const Range& r : ranges)
        k.push_back(r.path.substr(r.path.rfind('/') + 1) + " " + std::to_string(r.from) + " " +
                    std::to_string(r.to));
      return Digest(k);
    };
    for (const store::DataPiece& piece : pieces) {
      int64_t cut = 0;
      try {
        cut = AfterLastNewline(piece.path, piece.size);
      } catch (const Error&) {
        view.pond().DataPieces(*inner_.stored);  // a missing blob is named as such
        throw;
      }
      if (cut == 0) {
        carry.push_back({piece.path, 0, piece.size});
        continue;
      }
      std::vector<Range> ranges = std::move(carry);
      ranges.push_back({piece.path, 0, cut});
      parts.push_back({key_of(ranges), ranges});
      carry.clear();
      if (cut < piece.size) carry.push_back({piece.path, cut, piece.size});
    }
    if (!carry.empty()) parts.push_back({key_of(carry), carry});
    return parts;
  }

  std::vector<const View::ParsedInput*> Parsed(View& view) const {
    std::vector<const View::ParsedInput*> out;
    int64_t skipped = 0;
    for (const Part& part : Parts(view)) {
      const std::string memo = part.key ? *part.key : "node " + inner_.path + " " + url_.text;
      auto& parsed = view.parsed_inputs();
      auto it = parsed.find(memo);
      if (it == parsed.end()) it = parsed.emplace(memo, Find(view, part)).first;
      out.push_back(&it->second);
      skipped += it->second.skipped;
    }
    if (skipped > 0)
      view.WarnOnce(std::to_string(skipped) + " malformed line(s) skipped", inner_.path);
    return out;
  }

  // The part's bytes as one host file: a whole blob in place, else written out.
  std::string Bytes(View& view, const Part& part) const {
    // Verified (once a process): the blobs this part reads, not every piece of the log,
    // so an hourly append does not hash the month before it again.
    if (inner_.stored && part.ranges.empty()) view.pond().DataPieces(*inner_.stored);
    for (const Range& r : part.ranges) view.pond().VerifyDataPiece(r.path);
    if (part.ranges.size() == 1 && part.ranges[0].from == 0) {
      const Range& r = part.ranges[0];
      if (static_cast<int64_t>(std::filesystem::file_size(r.path)) == r.to) return r.path;
    }
    const std::string input = view.TempFile(".in");
    std::ofstream out(input, std::ios::binary);
    const auto put = [&](std::string_view b) {
      if (!out.write(b.data(), static_cast<std::streamsize>(b.size())))
        throw Error("cannot write a temporary file", input);
    };
    if (part.ranges.empty()) {
      view.StreamData(inner_, put);
    } else {
      std::string buf(1 << 16, '\0');
      for (const Range& r : part.ranges) {
        std::ifstream in(r.path, std::ios::binary);
        in.seekg(r.from);
        for (int64_t left = r.to - r.from; left > 0;) {
          const auto n = static_cast<std::streamsize>(std::min<int64_t>(left, 1 << 16));
          if (!in.read(buf.data(), n)) throw Error("cannot read file", r.path);
          put(std::string_view(buf.data(), static_cast<size_t>(n)));
          left -= n;
        }
      }
    }
    if (!out.flush()) throw Error("cannot write a temporary file", input);
    return input;
  }

  View::ParsedInput Find(View& view, const Part& part) const {
    store::ResultCache& cache = view.pond().cache();
    const std::optional<std::string>& key = part.key;
    const bool cached = key && store::ResultCache::Enabled();
    View::ParsedInput p;
    // A data node's bytes that already are a Parquet file are read in place: a stored
    // blob where it is, a computed node's (a git blob: docs/git-ingest.md) from the
    // file this View writes them to. Only their times are cached.
    if (url_.read == InputUrl::Read::kParquet && (part.ranges.size() == 1 || !inner_.stored)) {
      p.file = Bytes(view, part);
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
    const std::string input = Bytes(view, part);
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
