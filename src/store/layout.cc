#include "store/layout.h"

#include <fmt/format.h>

#include <map>

#include "base/time.h"
#include "engine/duckdb.h"

namespace pond::store {

using engine::QuoteIdent;
using engine::QuoteLiteral;

Piece PieceOf(const Segment& s) {
  return {s.first_version, s.last_version, s.blob, s.rows, s.ts_nulls, s.min_ts, s.max_ts, s.size};
}

std::vector<Piece> Cover(const VersionList& versions, const std::vector<Segment>& segments) {
  if (versions.empty()) return {};
  const int last = versions.back().version;
  // The longest usable segment starting at each version.
  std::map<int, const Segment*> longest;
  for (const auto& s : segments) {
    if (s.last_version > last) continue;
    auto& slot = longest[s.first_version];
    if (slot == nullptr || s.last_version > slot->last_version) slot = &s;
  }
  std::vector<Piece> out;
  for (size_t i = 0; i < versions.size();) {
    const VersionInfo& v = versions[i];
    if (auto it = longest.find(v.version); it != longest.end()) {
      out.push_back(PieceOf(*it->second));
      i += static_cast<size_t>(out.back().versions());
      continue;
    }
    out.push_back(
        {v.version, v.version, v.blob, v.rows.value_or(0), v.ts_nulls, v.min_ts, v.max_ts, v.size});
    ++i;
  }
  return out;
}

bool InReadOrder(const std::vector<Piece>& pieces) {
  std::optional<int64_t> end;
  for (const auto& p : pieces) {
    if (p.ts_nulls > 0) return false;
    if (p.rows == 0) continue;
    if (!p.min_ts || !p.max_ts) return false;
    if (end && *p.min_ts < *end) return false;
    end = p.max_ts;
  }
  return true;
}

namespace {

// 0 for 1–3 versions, 1 for 4–15, 2 for 16–63… (base kFanIn).
int Band(int versions) {
  int band = 0;
  for (int64_t n = kFanIn; n <= versions; n *= kFanIn) ++band;
  return band;
}

}  // namespace

bool Sealed(const Piece& piece, Kind kind) {
  return kind == Kind::kLog ? piece.size >= kSealedLogBytes : piece.rows >= kSealedRows;
}

std::optional<std::pair<size_t, size_t>> NextMerge(const std::vector<Piece>& pieces, Kind kind) {
  if (pieces.size() < static_cast<size_t>(kFanIn)) return std::nullopt;
  const size_t first = pieces.size() - kFanIn;
  const int band = Band(pieces[first].versions());
  for (size_t i = first; i < pieces.size(); ++i) {
    if (Sealed(pieces[i], kind) || Band(pieces[i].versions()) != band) return std::nullopt;
  }
  return std::make_pair(first, pieces.size());
}

namespace {

// `CAST("a" AS T) AS "a", …`: the catalog's merged schema is what every read returns,
// whichever pieces a view happens to read.
// A column not in `present` (when given) reads as NULL.
std::string CastColumns(const std::vector<Column>& columns,
                        const std::set<std::string>* present = nullptr) {
  std::string select;
  for (const auto& c : columns) {
    if (!select.empty()) select += ", ";
    select += present && !present->contains(c.name)
                  ? fmt::format("CAST(NULL AS {1}) AS {0}", QuoteIdent(c.name), c.type)
                  : fmt::format("CAST({0} AS {1}) AS {0}", QuoteIdent(c.name), c.type);
  }
  return select;
}

std::string PathList(const std::vector<std::string>& paths) {
  std::string list;
  for (const auto& p : paths) list += (list.empty() ? "" : ", ") + QuoteLiteral(p);
  return "[" + list + "]";
}

// The rows of `paths` in read order, `where` (may be empty) applied to the scan.
std::string ScanSql(const std::vector<std::string>& paths, bool in_order,
                    const std::vector<Column>& columns, const std::string& where,
                    const std::set<std::string>* present = nullptr) {
  const std::string select = CastColumns(columns, present);
  // One multi-file scan, which DuckDB reads in file order: no deep UNION (a series of
  // a thousand blobs once hit the parser's depth limit) and, in order, no sort.
  const std::string scan = "read_parquet(" + PathList(paths) + ", union_by_name = true" +
                           (in_order ? ")" : ", filename = true, file_row_number = true)");
  if (in_order) return "(SELECT " + select + " FROM " + scan + where + ")";
  // Late data: sort by time, ties by piece (version order), then row in the piece.
  std::string order = "CASE filename";
  for (size_t i = 0; i < paths.size(); ++i)
    order += fmt::format(" WHEN {} THEN {}", QuoteLiteral(paths[i]), i);
  order += " END";
  return "(SELECT " + select + " FROM " + scan + where + " ORDER BY \"timestamp\", " + order +
         ", file_row_number)";
}

std::string TimestampSql(int64_t micros) {
  return "TIMESTAMP " + QuoteLiteral(FormatTimestamp(micros));
}

}  // namespace

std::string PiecesRelationSql(const std::vector<std::string>& paths, bool in_order,
                              const std::vector<Column>& columns) {
  if (paths.size() == 1) return "(SELECT * FROM read_parquet(" + QuoteLiteral(paths[0]) + "))";
  return ScanSql(paths, in_order, columns, "");
}

std::vector<Piece> PiecesIn(const std::vector<Piece>& pieces, const TimeRange& range) {
  std::vector<Piece> out;
  for (const auto& p : pieces)
    if (p.rows > 0 && p.min_ts && p.max_ts && range.Overlaps(*p.min_ts, *p.max_ts))
      out.push_back(p);
  return out;
}

std::string ScanColumnsSql(const std::vector<std::string>& paths) {
  return "DESCRIBE SELECT * FROM read_parquet(" + PathList(paths) + ", union_by_name = true)";
}

std::string PiecesRangeSql(const std::vector<std::string>& paths, bool in_order,
                           const std::vector<Column>& columns, const TimeRange& range,
                           const std::set<std::string>* present) {
  if (paths.empty()) {
    std::string select;
    for (const auto& c : columns)
      select += fmt::format("{}CAST(NULL AS {}) AS {}", select.empty() ? "" : ", ", c.type,
                            QuoteIdent(c.name));
    return "(SELECT " + select + " LIMIT 0)";
  }
  // On the scanned column, not the cast one, so DuckDB skips row groups by their stats.
  std::string where;
  if (range.begin) where += " WHERE \"timestamp\" >= " + TimestampSql(*range.begin);
  if (range.end)
    where += std::string(where.empty() ? " WHERE " : " AND ") + "\"timestamp\" < " +
             TimestampSql(*range.end);
  return ScanSql(paths, in_order, columns, where, present);
}

}  // namespace pond::store
