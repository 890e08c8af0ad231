// `pond cat PATH [--sql Q] [--format table|csv|json|raw] [--start T] [--end T]`
// (docs/cli.md). A table or series is the temp view `series` on the pond's own
// connection; DuckDB writes CSV, JSON and Parquet, so output is streamed, not built.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "engine/duckdb.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "formats/format.h"
#include "factories/view.h"
#include "store/pond.h"
#include "store/table_source.h"

namespace pond::cli {

namespace {

using engine::QuoteIdent;
using engine::QuoteLiteral;
using store::Kind;

struct CatOptions {
  std::string path;
  std::string sql;
  std::string format;  // empty: table for tables/series, raw for data
  std::string start, end;
};

// A file under the host's temp directory that DuckDB's COPY writes and we then stream
// to stdout. (COPY … TO '/dev/stdout' would reopen stdout and truncate a redirected file.)
class TempFile {
 public:
  TempFile() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pond-cat-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw Error("cannot create a temporary file", tmpl);
    ::close(fd);
    path_ = tmpl;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

  void StreamTo(FILE* out) const {
    std::fflush(out);
    std::ifstream in(path_, std::ios::binary);
    char buf[1 << 16];
    while (in) {
      in.read(buf, sizeof buf);
      if (in.gcount() > 0) std::fwrite(buf, 1, static_cast<size_t>(in.gcount()), out);
    }
  }

 private:
  std::string path_;
};

int64_t ParseTimeOption(const std::string& text, const std::string& option) {
  auto t = ParseTime(text);
  if (!t) throw UsageError("invalid time '" + text + "'", option);
  return *t;
}

// The user's query with each column made printable for `format`: timestamps as
// docs/cli.md shows them (csv `2024-07-01 00:00:00`, json `2024-07-01T00:00:00Z`).
std::string PrintableQuery(engine::Connection& con, const std::string& query,
                           const std::string& format) {
  std::vector<store::Column> cols = store::DescribeSource(con, query, "--sql");
  std::string list;
  for (const auto& c : cols) {
    std::string q = QuoteIdent(c.name);
    bool ts = c.type == "TIMESTAMP" || c.type.starts_with("TIMESTAMP_") ||
              c.type == "TIMESTAMP WITH TIME ZONE";
    if (ts) q = "CAST(" + q + " AS TIMESTAMP)";
    if (ts && format == "json") q = "replace(CAST(" + q + " AS VARCHAR), ' ', 'T') || 'Z'";
    if (format == "table") q = "CAST(" + q + " AS VARCHAR)";
    list += (list.empty() ? "" : ", ") + q + " AS " + QuoteIdent(c.name);
  }
  return "SELECT " + list + " FROM (" + query + ") AS __pond_query";
}

bool IsNumeric(const std::string& type) {
  return type.find("INT") != std::string::npos || type == "FLOAT" || type == "DOUBLE" ||
         type.starts_with("DECIMAL");
}

// Aligned text: two spaces between columns, numbers right-aligned.
void PrintTable(engine::Connection& con, const std::string& query) {
  std::vector<store::Column> cols = store::DescribeSource(con, query, "--sql");
  engine::Result r = con.Query(PrintableQuery(con, query, "table"));
  std::vector<size_t> width(cols.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    width[c] = cols[c].name.size();
    for (const auto& row : r.rows())
      width[c] = std::max(width[c], row[c].is_null() ? 4 : row[c].as_string().size());
  }
  auto line = [&](auto cell) {
    std::string out;
    for (size_t c = 0; c < cols.size(); ++c) {
      std::string text = cell(c);
      bool last = c + 1 == cols.size();
      if (IsNumeric(cols[c].type))
        out += fmt::format("{:>{}}", text, width[c]);
      else
        out += last ? text : fmt::format("{:<{}}", text, width[c]);
      if (!last) out += "  ";
    }
    PrintText(out + "\n");
  };
  line([&](size_t c) { return cols[c].name; });
  for (const auto& row : r.rows())
    line([&](size_t c) { return row[c].is_null() ? std::string("NULL") : row[c].as_string(); });
}

void PrintQuery(engine::Connection& con, const std::string& query, const std::string& format) {
  if (format == "table") return PrintTable(con, query);
  TempFile tmp;
  if (format == "raw") {
    con.Execute("COPY (" + query + ") TO " + QuoteLiteral(tmp.path()) + " (FORMAT parquet)");
    return tmp.StreamTo(stdout);
  }
  if (format == "csv") {
    con.Execute("COPY (" + PrintableQuery(con, query, format) + ") TO " + QuoteLiteral(tmp.path()) +
                " (FORMAT csv, HEADER true)");
    return tmp.StreamTo(stdout);
  }
  // DuckDB writes one object a line; our array keeps one object a line too (docs/cli.md).
  con.Execute("COPY (" + PrintableQuery(con, query, format) + ") TO " + QuoteLiteral(tmp.path()) +
              " (FORMAT json)");
  std::ifstream in(tmp.path(), std::ios::binary);
  std::vector<std::string> objects;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) objects.push_back(l);
  PrintText(JsonArrayLines(objects));
}

// Prints `relation` as the views `series` and `source` through --sql, --start, --end
// and --format; `order`: by time (a computed series).
void PrintRelation(engine::Connection& con, const std::string& relation, bool order_by_time,
                   const CatOptions& o) {
  TimeRange range;
  if (!o.start.empty()) range.begin = ParseTimeOption(o.start, "--start");
  if (!o.end.empty()) range.end = ParseTimeOption(o.end, "--end");
  const std::string where = factories::sql::WhereInRange("\"timestamp\"", range);
  if (!where.empty()) {
    bool has_ts = false;
    for (const auto& c : store::DescribeSource(con, "SELECT * FROM " + relation, o.path))
      has_ts |= c.name == "timestamp";
    if (!has_ts) throw Error("--start and --end need a \"timestamp\" column", o.path);
  }
  const std::string order = order_by_time ? " ORDER BY \"timestamp\"" : "";
  con.Execute("CREATE OR REPLACE TEMP VIEW series AS SELECT * FROM " + relation + where + order);
  // `source`: the original DuckPond's name for it, which its users' queries use.
  con.Execute("CREATE OR REPLACE TEMP VIEW source AS SELECT * FROM series");
  std::string query = o.sql.empty() ? "SELECT * FROM series" : o.sql;
  while (!query.empty() &&
         (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';'))
    query.pop_back();
  try {
    PrintQuery(con, query, o.format.empty() ? "table" : o.format);
  } catch (const Error& e) {
    throw store::SourceError(e, o.sql.empty() ? o.path : "--sql");
  }
}

// `pond cat URL` (docs/inputs.md): every match read through the URL's scheme, several
// unioned by name; `host+…:///path` reads a host file without a pond.
void CatUrl(const GlobalOptions& g, const CatOptions& o) {
  const factories::InputUrl url = factories::ParseInputUrl(o.path, "PATH", /*allow_host=*/true);
  if (url.host) {
    if (url.read != factories::InputUrl::Read::kFormat)
      throw Error("host+ needs a format (host+csv:///…, host+oteljson:///…)", o.path);
    engine::Database db;
    engine::Connection con(db);
    TempFile parsed;
    const formats::Parsed p = formats::WriteParquet(con, url.format, url.compression, url.options,
                                                    url.glob, parsed.path() + ".parquet", url.glob);
    struct Remove {
      std::string path;
      ~Remove() { ::unlink(path.c_str()); }
    } remove{parsed.path() + ".parquet"};
    if (p.skipped > 0)
      std::fprintf(stderr, "pond: warning: %lld malformed line(s) skipped (%s)\n",
                   static_cast<long long>(p.skipped), url.glob.c_str());
    return PrintRelation(con, "(SELECT * FROM read_parquet(" + QuoteLiteral(remove.path) + "))",
                         false, o);
  }
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  factories::View view(*pond, g.vars);
  if (url.read == factories::InputUrl::Read::kBytes) {
    if (!o.format.empty() && o.format != "raw")
      throw Error("data:// gives bytes; use --format raw", o.path);
    if (!o.sql.empty() || !o.start.empty() || !o.end.empty())
      throw Error("--sql, --start and --end need rows, not data://", o.path);
    for (const auto& m : view.GlobFiles(url.glob)) {
      const factories::Node node = factories::InputNode(view, url, m.path);
      view.StreamData(node, [](std::string_view chunk) { PrintText(chunk); });
    }
    return;
  }
  bool series = false;
  for (const auto& m : view.GlobFiles(url.glob))
    series |= factories::InputNode(view, url, m.path).shape == factories::Shape::kSeries;
  PrintRelation(pond->sql(), factories::MatchedRelation(view, url), series, o);
}

void Cat(const GlobalOptions& g, const CatOptions& o) {
  if (o.path.find("://") != std::string::npos) return CatUrl(g, o);
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  // A stored symlink whose target is gone is worth naming as such.
  auto stored = pond->Lookup(o.path, /*follow_last=*/false);
  if (stored && stored->kind == Kind::kSymlink && !pond->Lookup(o.path))
    throw Error("dangling symlink", o.path);
  // Stored and dynamic nodes alike: the View computes what a factory generates.
  factories::View view(*pond, g.vars);
  factories::Node node = view.Get(o.path);
  switch (node.shape) {
    case factories::Shape::kDir:
      throw Error("is a directory", o.path);
    case factories::Shape::kData:
      if (!o.format.empty() && o.format != "raw")
        throw Error("a file:data node has no rows; use --format raw", o.path);
      if (!o.sql.empty() || !o.start.empty() || !o.end.empty())
        throw Error("--sql, --start and --end need a table or series", o.path);
      return view.StreamData(node, [](std::string_view chunk) { PrintText(chunk); });
    case factories::Shape::kTable:
    case factories::Shape::kSeries:
      break;
    case factories::Shape::kExecutable:
    case factories::Shape::kTransform:
      throw Error("not a file, table or series", o.path);
  }
  engine::Connection& con = pond->sql();
  // A stored node's blobs are verified for the columns the query reads, not all of
  // them (docs/storage.md, "Verified reads").
  store::ReadColumns read;
  if (node.stored && !node.generated && !o.sql.empty()) {
    std::vector<std::string> names;
    for (const auto& c : pond->Columns(*node.stored)) names.push_back(c.name);
    read = factories::sql::ColumnsRead(con, o.sql, names);
    // count(*) names no column; DuckDB may still scan one to count rows.
    if (read && read->empty() && !names.empty()) read->insert(AsciiLower(names.front()));
    if (read && (!o.start.empty() || !o.end.empty())) read->insert("timestamp");
  }
  const std::string relation = view.RelationSql(node, read);
  // A stored relation is already ordered by timestamp, version and row (docs/storage.md),
  // so it needs no ORDER BY, which could reorder equal timestamps; a computed series
  // is ordered by time here.
  PrintRelation(con, relation, node.generated && node.shape == factories::Shape::kSeries, o);
}

void RegisterCat(CLI::App& app, GlobalOptions& g) {
  static CatOptions o;
  auto* cmd = app.add_subcommand("cat", "print a file, table or series");
  cmd->add_option("PATH", o.path, "pond path, or an input URL (csv:///a/*.csv, host+oteljson:///f)")->required();
  cmd->add_option("--sql", o.sql, "query over the view `series` (also named `source`)");
  cmd->add_option("--format", o.format, "table, csv, json or raw")
      ->check(CLI::IsMember({"table", "csv", "json", "raw"}));
  cmd->add_option("--start", o.start, "first time included (ISO 8601 UTC or Unix ms)");
  cmd->add_option("--end", o.end, "first time excluded");
  cmd->callback([&g] { Cat(g, o); });
}

}  // namespace

POND_COMMAND("cat", RegisterCat);

}  // namespace pond::cli
