// The cache of temporal-reduce outputs (docs/factories.md, "Cached reductions").
// History is cut into spans: the smallest whole number of buckets covering 28 days,
// aligned to the epoch like the buckets. The span holding the inputs' latest time is
// hot (the next append changes it), every span before it cold. All cold spans of one
// output are kept together as one **pack**, a Parquet file in the pond's result cache,
// and each output has a **pack index** naming its latest pack and the key each of that
// pack's spans was computed with, so that the next pack copies the spans whose key is
// unchanged and computes only the others (like git's packfile and its .idx):
//   <pond>/cache/reduce-pack/<pack key>.<sha256 of the file>.parquet
//   <pond>/cache/reduce-pack-index/<output key>.txt
//     the pack's key, its first span's number, then each cold span's key, a line each
//
// Promises:
// - A pack is whole under its name or absent, whatever the writer meets (a kill, a full
//   disk), and its bytes are checked against its name before a process first reads it:
//   a damaged pack is a miss, never a wrong answer (store/result_cache.h).
// - The index is whole or absent too, and only a hint: a span is taken from the
//   previous pack only when the key listed for it is the span's key now (a key names
//   its span's bounds and what its rows are computed from), so a stale, damaged or cut
//   index costs recomputing, never a wrong row.
// - Failing to write is a debug line and a miss for the next reader, never an error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "engine/duckdb.h"
#include "store/result_cache.h"

namespace pond::factories {

// The width of the spans for buckets `bucket_us` wide: the smallest whole number of
// buckets covering 28 days.
int64_t SpanWidth(int64_t bucket_us);

// Past this many cold spans (300 years of history: a stray timestamp in year 1 or
// 9999) the spans' keys would cost more than they save: the reduction is computed whole.
inline constexpr int64_t kMaxSpans = 4096;

// Consecutive span numbers [first, end) as one stretch; no end: open (the hot span and
// every one after it).
struct SpanStretch {
  int64_t first = 0;
  std::optional<int64_t> end;
  bool operator==(const SpanStretch&) const = default;
};
// The stretches of the sorted span numbers `spans`; `open_end`: the last has no end.
std::vector<SpanStretch> Stretches(const std::vector<int64_t>& spans, bool open_end);

// What an output's pack index says.
struct PackIndex {
  std::optional<std::string> pack;       // the latest pack's key; none: no index
  std::map<int64_t, std::string> spans;  // cold span number → the key it was computed with
  // The index's text for the pack `pack` of spans first, first + 1, … with `keys`.
  static std::string Format(const std::string& pack, int64_t first,
                            const std::vector<std::string>& keys);
  // An index as Format writes it; anything else (absent, cut short, a damaged span
  // number) is no index.
  static PackIndex Parse(const std::optional<std::string>& text);
};

// The packs and pack indexes of the outputs at one resolution (one span width).
class ReduceCache {
 public:
  ReduceCache(store::ResultCache& cache, int64_t span_us) : cache_(cache), span_us_(span_us) {}

  int64_t span_us() const { return span_us_; }
  // The span holding time `us` (floor division: times before 1970 too).
  int64_t SpanOf(int64_t us) const;
  // `time` (a SQL expression) within `stretches`.
  std::string InStretches(const std::string& time, const std::vector<SpanStretch>& stretches) const;

  // The host path of the pack `key`, its bytes checked; nullopt on a miss. A hit marks
  // the index `output_key` used too (the sweep keeps what reads use).
  std::optional<std::string> FindPack(const std::string& key, const std::string& output_key);

  // The rows of the pack `file` labelled within `range` (all when empty), in the
  // file's order (by time), as a relation of the output's `columns` (quoted, in order).
  static std::string ReadPack(const std::string& file, const std::string& columns,
                              const TimeRange& range);

  struct NewPack {
    std::string label;                   // the output's pond path, for debug lines
    std::string output_key;              // names the output's index
    std::string key;                     // the pack's own
    int64_t first = 0, hot = 0;          // its cold spans: [first, hot)
    std::vector<std::string> span_keys;  // of spans first, first + 1, … hot - 1
    std::string columns;                 // the output's, quoted, in order
  };
  // The output's buckets (a relation, any order) over its inputs from `from_us` on,
  // labelled within `stretches` (see InStretches).
  using Compute =
      std::function<std::string(int64_t from_us, const std::vector<SpanStretch>& stretches)>;
  // Writes `pack` with one COPY on `con` and then names it in the output's index;
  // returns its host path, or nullopt when it could not be written. The spans that the
  // pack the index names holds with the same key are copied from it; the others (late
  // data's, the span that just turned cold, all of them the first time) and the hot
  // span with every one after it come from `compute`: the file is the whole relation
  // as its writer sees it, and later readers leave out the rows from the hot span on.
  std::optional<std::string> WritePack(engine::Connection& con, const NewPack& pack,
                                       const Compute& compute);

 private:
  store::ResultCache& cache_;
  int64_t span_us_;
};

}  // namespace pond::factories
