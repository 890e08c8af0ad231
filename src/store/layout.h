// The physical layout of a series (docs/storage.md, "Physical layout"): which Parquet
// blobs hold a view's rows. Logical versions stay in the catalog forever; their rows
// are merged into larger blobs ("segments", each the rows of versions first..last in
// read order) by tiered merges, so a read opens a number of blobs that grows with the
// logarithm of the version count and each row is rewritten a bounded number of times.
// An append-only data file (file:log, docs/append-only.md) is laid out the same way,
// its pieces raw blobs of its bytes in order. Internal to src/store/.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "store/pond.h"

namespace pond::store {

// A segment row of the catalog: the rows of versions first..last of one series,
// sorted as a read returns them (timestamp, version, row), written at created_seq.
struct Segment {
  int first_version = 0, last_version = 0;
  int64_t created_seq = 0;
  std::string blob;
  int64_t size = 0, rows = 0, ts_nulls = 0;
  std::optional<int64_t> min_ts, max_ts;
};

// One blob of a view's cover: a version's own blob or a segment.
struct Piece {
  int first_version = 0, last_version = 0;
  std::string blob;
  int64_t rows = 0, ts_nulls = 0;
  std::optional<int64_t> min_ts, max_ts;
  int64_t size = 0;  // bytes of the blob
  int versions() const { return last_version - first_version + 1; }
};

// The piece a segment is in a cover.
Piece PieceOf(const Segment& segment);

// The pieces that hold exactly the rows of `versions` (a view's visible versions,
// oldest first, numbered 1…n), using the longest segment of `segments` (those
// visible in the same view) that starts at each point, else a version's own blob.
std::vector<Piece> Cover(const VersionList& versions, const std::vector<Segment>& segments);

// Whether reading the pieces one after another already gives read order: no
// timestamp NULLs and each piece's times end where the next one's begin, or earlier
// (equal times sort by version, which is piece order).
bool InReadOrder(const std::vector<Piece>& pieces);

// The tiered merge policy: the pieces at the tail of `pieces` (the latest cover of a
// node of `kind`) to merge into one, as [first, last) indexes, or nullopt. Sealed
// pieces are never merged; among the others, the last kFanIn pieces are merged when
// they all cover the same power-of-kFanIn band of versions.
inline constexpr int kFanIn = 4;
// A series piece of kSealedRows rows, or a file:log piece of kSealedLogBytes, is
// sealed: a merge rewrites less than kFanIn times that (64 MiB of a log).
inline constexpr int64_t kSealedRows = 1'000'000;
inline constexpr int64_t kSealedLogBytes = int64_t{16} << 20;
bool Sealed(const Piece& piece, Kind kind);
std::optional<std::pair<size_t, size_t>> NextMerge(const std::vector<Piece>& pieces,
                                                   Kind kind = Kind::kSeries);

// SQL (a parenthesized SELECT) over `pieces` in read order, with `columns` (the
// node's merged schema) as its columns. `path_of` maps a blob hash to its host path.
template <class PathOf>
std::string PiecesRelation(const std::vector<Piece>& pieces, const std::vector<Column>& columns,
                           PathOf path_of);
std::string PiecesRelationSql(const std::vector<std::string>& paths, bool in_order,
                              const std::vector<Column>& columns);

// The pieces whose times may fall in `range` (a piece without rows or times holds none).
std::vector<Piece> PiecesIn(const std::vector<Piece>& pieces, const TimeRange& range);
// SQL over `pieces` (already chosen with PiecesIn) restricted to the rows whose
// `timestamp` is in `range`, in read order, always with `columns` (none: zero rows).
// `present`: the columns the pieces hold (ScanColumnsSql), when they may not hold all
// (the others read as NULL); null when they do.
std::string PiecesRangeSql(const std::vector<std::string>& paths, bool in_order,
                           const std::vector<Column>& columns, const TimeRange& range,
                           const std::set<std::string>* present);
// `DESCRIBE` of the pieces' own columns (their footers only).
std::string ScanColumnsSql(const std::vector<std::string>& paths);

template <class PathOf>
std::string PiecesRelation(const std::vector<Piece>& pieces, const std::vector<Column>& columns,
                           PathOf path_of) {
  std::vector<std::string> paths;
  for (const auto& p : pieces) paths.push_back(path_of(p.blob));
  return PiecesRelationSql(paths, InReadOrder(pieces), columns);
}

}  // namespace pond::store
