// temporal-reduce (docs/factories.md, issue #19): a dynamic directory with, for each
// name out_pattern gives the matches of in_pattern, a directory holding
// `res=<r>.series` per resolution over the rows of those matches (several are
// merged by column name). Buckets are exactly the stated width, aligned to the Unix
// epoch and labelled by their start; empty buckets are not emitted.
#include <algorithm>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "base/strings.h"
#include "base/time.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/reduce_cache.h"
#include "factories/sql.h"
#include "path/path.h"
#include "store/result_cache.h"
#include "store/table_source.h"

namespace pond::factories {

namespace {

struct Resolution {
  std::string text;      // as written: `2h`
  std::string interval;  // DuckDB interval text: `2 hours`
  int64_t micros = 0;    // the bucket width
};

struct Aggregation {
  std::string type;                  // avg|min|max|count|sum
  std::vector<std::string> columns;  // column patterns; empty = every numeric column
  // count with the pattern `*`: rows per bucket, as `timestamp.count` (the original's
  // name); `*` then selects no column.
  bool rows = false;
};

// The output column of a count of rows.
constexpr const char* kRowCount = "timestamp.count";

struct ReduceConfig {
  std::string text;  // expanded: what cached results are keyed by
  InputUrl in;
  std::string out_pattern, time_column;
  std::vector<std::string> transforms;
  std::vector<Resolution> resolutions;
  std::vector<Aggregation> aggregations;
};

// `allowed_lateness` (the original's; a humantime duration such as 14d or 36h): the
// original sealed buckets older than the newest less this. Ours never seals (late
// data recomputes the spans it touches), so it is only checked; being in the config
// text, it is part of the node's identity (docs/original.md).
void CheckAllowedLateness(const Fields& f) {
  const std::optional<std::string> text = f.OptionalString("allowed_lateness");
  if (text && !ParseHumanDuration(*text))
    throw Error("invalid allowed_lateness '" + *text + "' (expected a duration such as 14d or 36h)",
                f.Where(f.Required("allowed_lateness")));
}

// `<n>s`, `<n>m`, `<n>h`, `<n>d` or `<n>w`, n ≥ 1 without leading zeros. A week
// is 7 days, so like the others it is aligned to the epoch (weeks start on Thursday).
std::optional<Resolution> ParseResolution(const std::string& text) {
  static const std::regex re("([1-9][0-9]{0,5})([smhdw])");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const bool one = m[1] == "1";
  static const std::map<char, std::pair<std::string, int64_t>> kUnits{{'s', {"second", 1}},
                                                                      {'m', {"minute", 60}},
                                                                      {'h', {"hour", 3600}},
                                                                      {'d', {"day", 86400}},
                                                                      {'w', {"week", 7 * 86400}}};
  const auto& [word, seconds] = kUnits.at(m[2].str()[0]);
  return Resolution{text, m[1].str() + " " + word + (one ? "" : "s"),
                    std::stoll(m[1].str()) * seconds * 1'000'000};
}

std::vector<Resolution> ParseResolutions(const Fields& f) {
  std::vector<Resolution> out;
  std::set<std::string> seen;
  const auto nodes = f.List("resolutions");
  for (const auto& node : nodes) {
    const std::string text = ScalarText(node, "resolutions", f.config());
    std::optional<Resolution> r = ParseResolution(text);
    if (!r)
      throw Error("invalid resolution '" + text + "' (expected <n>s, <n>m, <n>h, <n>d or <n>w)",
                  f.Where(node));
    if (!seen.insert(text).second)
      throw Error("duplicate resolution '" + text + "'", f.Where(node));
    out.push_back(*r);
  }
  if (out.empty())
    throw Error("field 'resolutions' must not be empty", f.Where(f.Required("resolutions")));
  return out;
}

std::vector<Aggregation> ParseAggregations(const Fields& f) {
  std::vector<Aggregation> out;
  for (const auto& node : f.List("aggregations")) {
    Fields a(node, f.config(), "an aggregation", {"type", "columns"});
    Aggregation agg{a.String("type"), a.OptionalStringList("columns")};
    if (agg.type != "avg" && agg.type != "min" && agg.type != "max" && agg.type != "count" &&
        agg.type != "sum")
      throw Error(
          "invalid aggregation type '" + agg.type + "' (expected avg, min, max, count or sum)",
          a.Where(a.Required("type")));
    if (a.Has("columns") && agg.columns.empty())
      throw Error("field 'columns' must not be empty", a.Where(a.Required("columns")));
    if (agg.type == "count") {
      const auto star = std::find(agg.columns.begin(), agg.columns.end(), "*");
      if (star != agg.columns.end()) {
        agg.rows = true;
        agg.columns.erase(star);
      }
    }
    out.push_back(std::move(agg));
  }
  if (out.empty())
    throw Error("field 'aggregations' must not be empty", f.Where(f.Required("aggregations")));
  return out;
}

ReduceConfig Parse(const Config& c) {
  Fields f(
      c.root, c, "config",
      {"in_pattern", "out_pattern", "time_column", "resolutions", "aggregations", "transforms",
       "allowed_lateness"});
  ReduceConfig out;
  out.text = c.text;
  out.in = InputField(f, "in_pattern");
  out.out_pattern = f.String("out_pattern");
  CheckOutPattern(out.out_pattern, out.in.glob, f.Where(f.Required("out_pattern")));
  out.time_column = TimeColumnField(f);
  out.transforms = TransformsField(f);
  out.resolutions = ParseResolutions(f);
  out.aggregations = ParseAggregations(f);
  CheckAllowedLateness(f);
  return out;
}

// Inputs that out_pattern gives one name but that cannot be read as one.
class MergeClash : public Error {
 public:
  using Error::Error;
};

// The rows of `inputs` (several when out_pattern gives them one name: rotating
// files, a replaced instrument), each through the transforms, matched by column
// name; a column only some inputs have is NULL in the others. Two inputs that type
// one column differently (not both numeric) cannot be merged: the error names the
// output `name`, both inputs and the column (where = the node).
// With a `range`, the rows in it (and maybe others: View::RelationSql).
std::string MergedInputs(View& view, const std::vector<std::string>& inputs,
                         const ReduceConfig& config, const std::string& name,
                         const std::string& where, const TimeRange& range = {}) {
  std::vector<std::string> relations;
  // Each column as the first input that has it types it (lowercase name → that input,
  // the column). An input agrees with every earlier one exactly when it agrees with
  // that first (store::FirstTypeClash's rule), and a clash is with it: one lookup per
  // column instead of a comparison with every earlier input (a year of daily logs is
  // 365 inputs, merged for every range a reduction reads).
  std::unordered_map<std::string, std::pair<size_t, store::Column>> first_typed;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string& input = inputs[k];
    relations.push_back(ApplyTransforms(view, view.RelationSql(InputNode(view, config.in, input), range),
                                        config.transforms, config.time_column, input));
    if (inputs.size() == 1) break;
    // The clash with the earliest input, the first of this input's columns on a tie.
    std::optional<std::pair<size_t, std::pair<store::Column, store::Column>>> clash;
    for (const auto& c : view.Describe(relations.back())) {
      const store::Column column{c.name, c.type};
      const auto [it, first] = first_typed.try_emplace(AsciiLower(c.name), k, column);
      if (first) continue;
      const auto& [i, earlier] = it->second;
      if (auto found = store::FirstTypeClash({earlier}, {column});
          found && (!clash || i < clash->first))
        clash.emplace(i, *found);
    }
    if (clash)
      throw MergeClash("out_pattern gives '" + name + "' for " + inputs[clash->first] + " and " +
                           input + ", whose column '" + clash->second.first.name + "' is " +
                           clash->second.first.type + " in one and " + clash->second.second.type +
                           " in the other",
                       where);
  }
  return sql::UnionAllByName(relations);
}

// Inputs as one label for errors.
std::string Joined(const std::vector<std::string>& inputs) {
  std::string out;
  for (const auto& input : inputs) out += (out.empty() ? "" : ", ") + input;
  return out;
}

// Whether an input with `extent` has no row with a time in `range` (rows without a
// time fall in no bucket); unknown extents may have.
bool Outside(const std::optional<TimeExtent>& extent, const TimeRange& range) {
  return extent && extent->Outside(range);
}

// Floor division (times before 1970 too).
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// `res=1h.series` of one output: one GROUP BY over its inputs' rows, or, with the
// cache, the cold spans of history read back as one pack from the pond's cache and
// one GROUP BY over the rest (reduce_cache.h).
class ReducedSeries : public Generated {
 public:
  ReducedSeries(std::string path, std::string dir_path, std::vector<std::string> inputs,
                const Resolution& resolution, std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)),
        dir_path_(std::move(dir_path)),
        inputs_(std::move(inputs)),
        label_(Joined(inputs_)),
        resolution_(resolution),
        span_us_(SpanWidth(resolution.micros)),
        config_(std::move(config)) {}

  Shape shape() const override { return Shape::kSeries; }

  std::string RelationSql(View& view) const override { return Relation(view, {}); }

  // The buckets labelled within `range`: from the inputs' rows in the range widened to
  // whole buckets, or the cached pack's rows in range and the hot span if it overlaps.
  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    return Relation(view, CacheApplies() ? range : TimeRange{});
  }

  // The config, the resolution and the inputs' identities over `range` widened to
  // whole buckets: the rows of those buckets come from there.
  std::optional<std::string> Identity(View& view, const TimeRange& range) const override {
    if (!CacheApplies()) return std::nullopt;
    View::Guard guard(view, path_);
    return InputsIdentity(view, "temporal-reduce", Buckets(range),
                          view.Describe(Inputs(view, {})));
  }

  // `timestamp` and the aggregates, from the inputs' columns (bound once per View).
  std::optional<std::vector<sql::Column>> KnownColumns(View& view) const override {
    View::Guard guard(view, path_);
    const auto columns = view.Describe(Inputs(view, {}));
    std::vector<sql::Column> out;
    Grouped(columns, sql::TimeExpr(columns, config_->time_column, label_), "", &out);
    return out;
  }

  // A first read wrote the whole relation as its pack: reading it is reading a file.
  bool CheapToReread(View& view) const override { return view.Materialized(path_).has_value(); }

  // Bucket labels: the inputs' extent, each end floored to its bucket.
  std::optional<TimeExtent> Extent(View& view) const override {
    if (!CacheApplies()) return std::nullopt;
    View::Guard guard(view, path_);
    std::optional<TimeExtent> e = InputsExtent(view);
    if (e) e->null_times = false;  // rows without a time fall in no bucket
    if (e && !e->empty) {
      e->min = FloorDiv(e->min, resolution_.micros) * resolution_.micros;
      e->max = FloorDiv(e->max, resolution_.micros) * resolution_.micros;
    }
    return e;
  }

 private:
  // Ranges and extents name `timestamp`; another time column is read from scratch.
  bool CacheApplies() const { return config_->time_column == "timestamp"; }

  // `range` widened to whole buckets.
  TimeRange Buckets(const TimeRange& range) const {
    TimeRange out;
    if (range.begin) out.begin = FloorDiv(*range.begin, resolution_.micros) * resolution_.micros;
    if (range.end) out.end = -FloorDiv(-*range.end, resolution_.micros) * resolution_.micros;
    return out;
  }

  // The buckets labelled within `range` (all when empty), ordered by `timestamp`: only
  // whole buckets, so a bucket at the edge has every row it has in the whole relation.
  std::string Relation(View& view, const TimeRange& range) const {
    View::Guard guard(view, path_);
    // The inputs' columns are the same over any range: bound once per View.
    const std::string whole = Inputs(view, {});
    const auto columns = view.Describe(whole);
    const std::string time = sql::TimeExpr(columns, config_->time_column, label_);
    if (auto cached = CachedRelation(view, columns, time, range)) return *cached;
    const TimeRange buckets = Buckets(range);
    sql::Select select =
        Grouped(columns, time, buckets == TimeRange{} ? whole : Inputs(view, buckets));
    if (const std::string w = sql::InRange(time, buckets); !w.empty()) select.Where(w);
    return select.OrderBy("1").Relation();
  }

  // The inputs' rows (in `range` and maybe others): of those inputs only that may have
  // rows there, so that the hot span of a year of daily logs reads a few of them, after
  // a relation without rows that gives the union the columns of all of them.
  std::string Inputs(View& view, const TimeRange& range) const {
    const auto merged = [&](const std::vector<std::string>& inputs, const TimeRange& r) {
      return MergedInputs(view, inputs, *config_, BaseName(dir_path_), ParentPath(dir_path_), r);
    };
    if (range == TimeRange{}) return merged(inputs_, range);
    std::vector<std::string> within;
    for (const auto& input : inputs_)
      if (!Outside(view.Extent(InputNode(view, config_->in, input)), range))
        within.push_back(input);
    if (within.size() == inputs_.size()) return merged(inputs_, range);
    sql::Select columns;
    for (const auto& c : view.Describe(merged(inputs_, {})))
      columns.Column("CAST(NULL AS " + c.type + ")", c.name);
    columns.Where("false");
    if (within.empty()) return columns.Relation();
    return sql::UnionAllByName({columns.Relation(), merged(within, range)});
  }

  std::optional<TimeExtent> InputsExtent(View& view) const {
    TimeExtent out;
    for (const auto& input : inputs_) {
      std::optional<TimeExtent> e = view.Extent(InputNode(view, config_->in, input));
      if (!e) return std::nullopt;
      out.Add(*e);
    }
    return out;
  }

  // What the buckets in `range` are made of: the config, the inputs' columns (all of
  // them: each gives the output a column) and the identities over `range` of the
  // inputs that may have rows there. An input known to have none (a rotated log file of
  // last year, the new file of this hour) is left out, so a new file leaves the keys of
  // the spans before it as they were (docs/factories.md, "Cached reductions").
  std::optional<std::string> InputsIdentity(View& view, const std::string& what,
                                            const TimeRange& range,
                                            const std::vector<sql::Column>& columns) const {
    std::vector<std::optional<std::string>> parts{what, config_->text, resolution_.text,
                                                  std::to_string(range.begin.value_or(INT64_MIN)),
                                                  std::to_string(range.end.value_or(INT64_MAX))};
    for (const auto& c : columns) parts.push_back(c.name + " " + c.type);
    for (const auto& input : inputs_) {
      const Node node = InputNode(view, config_->in, input);
      if (Outside(view.Extent(node), range)) continue;
      parts.push_back(input);
      parts.push_back(view.Identity(node, range));
    }
    AddTransformIdentities(view, config_->transforms, parts);
    return Digest(parts);
  }

  // SELECT of the buckets over `input` (no ORDER BY): `timestamp` then the aggregates,
  // whose names and types (as DESCRIBE gives them) go to `outputs` if set.
  sql::Select Grouped(const std::vector<sql::Column>& columns, const std::string& time,
                      const std::string& input,
                      std::vector<sql::Column>* outputs = nullptr) const {
    sql::Select select;
    select.Column("time_bucket(INTERVAL " + sql::Literal(resolution_.interval) + ", " + time +
                      ", TIMESTAMP '1970-01-01')",
                  "timestamp");
    std::set<std::string> names{"timestamp"};
    if (outputs) outputs->push_back({"timestamp", "TIMESTAMP"});
    for (const auto& agg : config_->aggregations) {
      if (agg.rows && names.insert(kRowCount).second) {
        select.Column("count(*)", kRowCount);
        if (outputs) outputs->push_back({kRowCount, "BIGINT"});
      }
      for (const sql::Column* c : Selected(columns, agg)) {
        const std::string out = c->name + "." + agg.type;
        if (!names.insert(out).second) throw Error("duplicate output column '" + out + "'", path_);
        const std::string call = agg.type + "(" + sql::Ident(c->name) + ")";
        // count is BIGINT already; the others are DOUBLE whatever the input type.
        const bool count = agg.type == "count";
        select.Column(count ? call : "CAST(" + call + " AS DOUBLE)", out);
        if (outputs) outputs->push_back({out, count ? "BIGINT" : "DOUBLE"});
      }
    }
    select.From(input).Where(time + " IS NOT NULL").GroupBy("1");
    return select;
  }

  // The relation from the cached pack of cold spans plus one GROUP BY over the hot
  // span, or nullopt when the cache does not apply (off, another time column, an
  // input without extent or identity, a pack that could not be written).
  // With a `range`, only the pack's rows in it, and the hot span only if it overlaps.
  // A pack this View wrote holds the hot span too, as this View reads it: it is the
  // whole relation, read as it is (View::Materialized).
  std::optional<std::string> CachedRelation(View& view, const std::vector<sql::Column>& columns,
                                            const std::string& time, const TimeRange& range) const {
    const std::string list = OutputList(columns, time);
    if (auto file = view.Materialized(path_)) return ReduceCache::ReadPack(*file, list, range);
    int64_t first = 0, hot = 0;
    const std::optional<std::string> pack_key = PackKey(view, columns, &first, &hot);
    if (!pack_key) return std::nullopt;
    ReduceCache cache(view.pond().cache(), span_us_);
    const std::string output_key = OutputKey();
    std::optional<std::string> pack = cache.FindPack(*pack_key, output_key);
    if (!pack) {
      pack = WritePack(view, cache, columns, time, first, hot, *pack_key, output_key);
      if (!pack) return std::nullopt;
      view.NoteMaterialized(path_, *pack);
      return ReduceCache::ReadPack(*pack, list, range);
    }
    // Rows from the hot span on are what the pack's writer saw then: left out.
    const int64_t hot_begin = hot * span_us_;
    TimeRange cold = range;
    cold.end = std::min(range.end.value_or(hot_begin), hot_begin);
    const std::string read = ReduceCache::ReadPack(*pack, list, cold);
    if (range.end && *range.end <= hot_begin) return read;
    TimeRange warm = Buckets(range);
    warm.begin = std::max(warm.begin.value_or(INT64_MIN), hot_begin);
    const std::string computed =
        Grouped(columns, time, Inputs(view, warm)).Where(sql::InRange(time, warm)).Relation();
    return "(SELECT * FROM (SELECT * FROM " + read + " UNION ALL SELECT * FROM " + computed +
           ") ORDER BY 1)";
  }

  // The key of the pack of cold spans [first, hot) (the hourly refresh changes only the
  // hot span: one key, one file), or nullopt when the cache does not apply (off,
  // another time column, an input without extent or identity, all hot, too long).
  std::optional<std::string> PackKey(View& view, const std::vector<sql::Column>& columns,
                                     int64_t* first_out, int64_t* hot_out) const {
    if (!store::ResultCache::Enabled() || !CacheApplies()) return std::nullopt;
    std::optional<TimeExtent> extent = InputsExtent(view);
    if (!extent || extent->empty) return std::nullopt;
    const int64_t first = FloorDiv(extent->min, span_us_);
    const int64_t hot = FloorDiv(extent->max, span_us_);
    if (hot == first || hot - first > kMaxSpans) return std::nullopt;
    *first_out = first;
    *hot_out = hot;
    return InputsIdentity(view, "temporal-reduce pack", {first * span_us_, hot * span_us_},
                          columns);
  }

  // The output columns, quoted, in order.
  std::string OutputList(const std::vector<sql::Column>& columns, const std::string& time) const {
    std::vector<sql::Column> outputs;
    Grouped(columns, time, "", &outputs);
    std::string out;
    for (const auto& c : outputs) out += (out.empty() ? "" : ", ") + sql::Ident(c.name);
    return out;
  }

  // Names this output's pack index, whatever its inputs are: a new input (this hour's
  // log file) finds the index of the pack before it, whose spans it did not touch.
  std::string OutputKey() const {
    return *Digest({"temporal-reduce pack index", config_->text, resolution_.text, path_});
  }

  // Writes the pack of cold spans [first, hot) as `pack_key` and returns its host path
  // (nullopt if it could not be written): each span's key is the inputs' identity over
  // it; what is not copied from the previous pack is computed in one GROUP BY.
  std::optional<std::string> WritePack(View& view, ReduceCache& cache,
                                       const std::vector<sql::Column>& columns,
                                       const std::string& time, int64_t first, int64_t hot,
                                       const std::string& pack_key,
                                       const std::string& output_key) const {
    ReduceCache::NewPack pack{
        path_, output_key, pack_key, first, hot, {}, OutputList(columns, time)};
    for (int64_t k = first; k < hot; ++k) {
      std::optional<std::string> key =
          InputsIdentity(view, "temporal-reduce span", {k * span_us_, (k + 1) * span_us_},
                         columns);
      if (!key) return std::nullopt;
      pack.span_keys.push_back(*key);
    }
    return cache.WritePack(view.pond().sql(), pack,
                           [&](int64_t from_us, const std::vector<SpanStretch>& stretches) {
                             return Grouped(columns, time, Inputs(view, {from_us, std::nullopt}))
                                 .Where(cache.InStretches(time, stretches))
                                 .Relation();
                           });
  }

  // The columns `agg` applies to, in table order. A pattern matching no column of
  // this input adds nothing: sites need not carry the same instruments.
  std::vector<const sql::Column*> Selected(const std::vector<sql::Column>& columns,
                                           const Aggregation& agg) const {
    std::vector<const sql::Column*> out;
    for (const auto& c : columns) {
      if (c.name == config_->time_column) continue;
      bool match = agg.columns.empty() && !agg.rows && sql::IsNumeric(c.type);
      for (const auto& pattern : agg.columns) match = match || MatchColumnPattern(pattern, c.name);
      if (!match) continue;
      if (agg.type != "count" && !sql::IsNumeric(c.type))
        throw Error("cannot " + agg.type + " column '" + c.name + "' of type " + c.type, label_);
      out.push_back(&c);
    }
    return out;
  }

  std::string path_, dir_path_;
  std::vector<std::string> inputs_;
  std::string label_;
  Resolution resolution_;
  int64_t span_us_;  // a whole number of buckets
  std::shared_ptr<const ReduceConfig> config_;
};

// `<out_pattern>` for its inputs: one series per resolution.
class ReducedDir : public Generated {
 public:
  ReducedDir(std::string path, std::vector<std::string> inputs,
             std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)), inputs_(std::move(inputs)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kDir; }

  std::vector<std::string> List(View&) const override {
    std::vector<std::string> names;
    for (const auto& r : config_->resolutions) names.push_back(NameOf(r));
    return names;
  }

  std::shared_ptr<const Generated> Child(View&, const std::string& name) const override {
    for (const auto& r : config_->resolutions)
      if (NameOf(r) == name)
        return std::make_shared<ReducedSeries>(JoinPath(path_, name), path_, inputs_, r, config_);
    return nullptr;
  }

 private:
  static std::string NameOf(const Resolution& r) { return "res=" + r.text + ".series"; }

  std::string path_;
  std::vector<std::string> inputs_;
  std::shared_ptr<const ReduceConfig> config_;
};

std::vector<std::string> Paths(const std::vector<GlobMatch>& matches) {
  std::vector<std::string> paths;
  for (const auto& m : matches) paths.push_back(m.path);
  return paths;
}

class ReduceNode : public MatchedDir {
 public:
  ReduceNode(const std::string& path, ReduceConfig config)
      : MatchedDir(path, config.in.glob, config.out_pattern, /*files_only=*/true,
                   /*merges=*/true),
        config_(std::make_shared<const ReduceConfig>(std::move(config))) {}

 protected:
  std::shared_ptr<const Generated> MakeChild(const std::string& child_path,
                                             const std::vector<GlobMatch>& matches) const override {
    return std::make_shared<ReducedDir>(child_path, Paths(matches), config_);
  }
  void CheckMerge(View& view, const std::string& name,
                  const std::vector<GlobMatch>& matches) const override {
    try {
      MergedInputs(view, Paths(matches), *config_, name, path());
    } catch (const MergeClash&) {
      throw;
    } catch (const Error& e) {
      // An input or transform that fails on its own is the read's to report.
      spdlog::debug("mknod {}: inputs of '{}' not checked: {}", path(), name, e.what());
    }
  }

 private:
  std::shared_ptr<const ReduceConfig> config_;
};

class TemporalReduce : public Factory {
 public:
  std::string name() const override { return "temporal-reduce"; }
  std::string description() const override { return "time-bucketed aggregates per match"; }
  Shape shape() const override { return Shape::kDir; }
  void Validate(const Config& config) const override { Parse(config); }
  void CheckInputs(View& view, const std::string& path, const Config& config) const override {
    ReduceNode(path, Parse(config)).CheckMatches(view);
  }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<ReduceNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& TemporalReduceFactory() {
  static const TemporalReduce f;
  return f;
}

}  // namespace pond::factories
