// How far in time the rows of a sql-derived query reach into its inputs, judged from
// DuckDB's parse tree (docs/factories.md, "Incremental analyses"). A query whose
// every output row at time t reads only input rows within a known distance of t can
// be computed, and named (View::Identity), over a time range from its inputs over that
// range widened by the reach; any other query is computed whole.
//
// Promise: when ReachOf gives a reach, the query's rows whose `timestamp` is in a
// range R are those it gives over the inputs restricted to InputRange(R), in the same
// order up to rows of equal time, and with the same values except that a window's
// floating sum may differ in its last bits (DuckDB adds a frame's rows in an order
// that depends on where the computation starts: View::ComputedByRange). No output
// row's time is outside OutputExtent of its inputs' extent. When in doubt, nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "engine/duckdb.h"
#include "factories/view.h"

namespace pond::factories {

struct QueryReach {
  // A row at t reads inputs in [t - before, t + after] (RANGE window frames).
  int64_t before_us = 0, after_us = 0;
  // > 0: output times are bucket starts (GROUP BY time_bucket); the row at s reads
  // inputs in [s, s + bucket) (months counted as 31 days).
  int64_t bucket_us = 0;

  // The inputs' range that gives every output row in `range`.
  TimeRange InputRange(const TimeRange& range) const;
  // Bounds of the output's times, given the inputs' (`inputs` as one extent).
  TimeExtent OutputExtent(TimeExtent inputs) const;
};

// The reach of `query`, a SELECT over `relations` (name, relation: the query's
// inputs); nullopt when a row may read input rows at any distance: a total over all
// rows, a row-counted window (ROWS frames, LAG, LEAD, row_number…), an unbounded
// frame, a subquery, a CTE, a set operation, LIMIT or DISTINCT, a join, or an output
// `timestamp` that is not the input's (or its time_bucket).
std::optional<QueryReach> ReachOf(
    engine::Connection& con, const std::string& query,
    const std::vector<std::pair<std::string, std::string>>& relations);

}  // namespace pond::factories
