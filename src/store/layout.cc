#include "store/layout.h"

#include <fmt/format.h>

#include <map>

#include "engine/duckdb.h"

namespace pond::store {

using engine::QuoteIdent;
using engine::QuoteLiteral;

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
      const Segment& s = *it->second;
      out.push_back({s.first_version, s.last_version, s.blob, s.rows, s.ts_nulls, s.min_ts,
                     s.max_ts});
      i += static_cast<size_t>(s.last_version - s.first_version + 1);
      continue;
    }
    out.push_back({v.version, v.version, v.blob, v.rows.value_or(0), v.ts_nulls, v.min_ts,
                   v.max_ts});
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

std::optional<std::pair<size_t, size_t>> NextMerge(const std::vector<Piece>& pieces) {
  if (pieces.size() < static_cast<size_t>(kFanIn)) return std::nullopt;
  const size_t first = pieces.size() - kFanIn;
  const int band = Band(pieces[first].versions());
  for (size_t i = first; i < pieces.size(); ++i) {
    if (pieces[i].rows >= kSealedRows || Band(pieces[i].versions()) != band) return std::nullopt;
  }
  return std::make_pair(first, pieces.size());
}

std::string PiecesRelationSql(const std::vector<std::string>& paths, bool in_order,
                              const std::vector<Column>& columns) {
  // Explicit columns and types: the catalog's merged schema is what every read returns,
  // whichever pieces a view happens to read.
  std::string select;
  for (const auto& c : columns) {
    if (!select.empty()) select += ", ";
    select += fmt::format("CAST({0} AS {1}) AS {0}", QuoteIdent(c.name), c.type);
  }
  if (paths.size() == 1) return "(SELECT * FROM read_parquet(" + QuoteLiteral(paths[0]) + "))";
  std::string list;
  for (const auto& p : paths) list += (list.empty() ? "" : ", ") + QuoteLiteral(p);
  // One multi-file scan, which DuckDB reads in file order: no deep UNION (a series of
  // a thousand blobs once hit the parser's depth limit) and, in order, no sort.
  const std::string scan = "read_parquet([" + list + "], union_by_name = true" +
                           (in_order ? ")" : ", filename = true, file_row_number = true)");
  if (in_order) return "(SELECT " + select + " FROM " + scan + ")";
  // Late data: sort by time, ties by piece (version order), then row in the piece.
  std::string order = "CASE filename";
  for (size_t i = 0; i < paths.size(); ++i)
    order += fmt::format(" WHEN {} THEN {}", QuoteLiteral(paths[i]), i);
  order += " END";
  return "(SELECT " + select + " FROM " + scan + " ORDER BY \"timestamp\", " + order +
         ", file_row_number)";
}

}  // namespace pond::store
