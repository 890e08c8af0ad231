// The pond as every reader sees it: stored nodes plus dynamic nodes, whose content
// factories compute on every read from their inputs as visible in the same view
// (latest, or `--at SEQ`). list, cat, describe, glob matching, factory inputs and
// export all read through a View, so a dynamic node behaves like any other node.
//
// Promises:
// - Tables and series (stored or computed) are SQL relations on the pond's one
//   DuckDB connection (store::Pond::sql()); a factory composes its inputs' relations
//   into its own, so reading a derived series runs one DuckDB query.
// - Listing a dynamic directory computes names only, never data.
// - A node that reads itself, directly or through others, is an error naming the
//   chain (`cycle: /a -> /b -> /a`), never a hang.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "factories/sql.h"
#include "path/glob.h"
#include "store/pond.h"

namespace pond::factories {

class View;

// Bounds of a node's times (µs UTC): no row's `timestamp` is before `min` or after
// `max`. `empty`: no row has a time at all.
struct TimeExtent {
  bool empty = true;
  int64_t min = 0, max = 0;
  bool null_times = false;  // some row may have a NULL `timestamp` (outside min..max)
  void Add(const TimeExtent& other);
  // No row has a time in `range` (rows without a time are in no range).
  bool Outside(const TimeRange& range) const {
    return empty || (range.begin && max < *range.begin) || (range.end && min >= *range.end);
  }
};

// What a node reads as through the View (docs/layers.md, "What a node is").
// kExecutable (`pond run`) and kTransform (column-rename, applied by other factories
// to their inputs) are not readable by themselves.
enum class Shape { kDir, kData, kTable, kSeries, kExecutable, kTransform };

// "dir", "data", "table", "series", "executable", "transform" (list-factories).
std::string ShapeName(Shape shape);
// A computed node as `list -l` shows it: the stored kind it reads like ("dir",
// "file:series", …), else ShapeName.
std::string ListedKind(Shape shape);

// A node whose content a factory computes. Implementations live beside their factory.
class Generated {
 public:
  virtual ~Generated() = default;
  virtual Shape shape() const = 0;
  // For list -l: "dynamic:temporal-reduce" for a factory's own node; the shape's
  // listed kind ("dir", "file:series", …) for the nodes it generates below itself
  // (the default: ListedKind(shape())).
  virtual std::string listed_kind() const;
  // kDir: names of the children (cheap: no data is computed).
  virtual std::vector<std::string> List(View& view) const;
  // kDir: the child called `name`, or nullptr.
  virtual std::shared_ptr<const Generated> Child(View& view, const std::string& name) const;
  // kDir: List's names, each with whether Child would give a directory, when the
  // factory knows it as cheaply as the name (git-ingest: a tree entry's mode); nullopt
  // leaves it to Child (a symlink, to be followed). A glob then resolves no file of a
  // large computed tree one path at a time. The default: List, nothing known.
  struct ChildShape {
    std::string name;
    std::optional<bool> is_dir;
  };
  virtual std::vector<ChildShape> ListShapes(View& view) const;
  // kTable / kSeries: a SQL relation usable as `SELECT … FROM <relation>`.
  virtual std::string RelationSql(View& view) const;
  // kTable / kSeries: the relation restricted to `range` (View::RelationSql with a
  // range). Default: RelationSql, whole.
  virtual std::string RangeRelationSql(View& view, const TimeRange& range) const;
  // View::Identity of this node; nullopt (the default) when it cannot tell.
  virtual std::optional<std::string> Identity(View& view, const TimeRange& range) const;
  // View::Extent of this node; nullopt (the default) when unknown.
  virtual std::optional<TimeExtent> Extent(View& view) const;
  // View::CheapToReread of this node: false (the default) when its relation computes.
  virtual bool CheapToReread(View& view) const;
  // View::ComputedByRange of this node: false (the default).
  virtual bool ComputedByRange(View& view) const;
  // View::KnownColumns of this node; nullopt (the default) when only binding the
  // relation tells.
  virtual std::optional<std::vector<sql::Column>> KnownColumns(View& view) const;
  // kData: the bytes.
  virtual std::string ReadData(View& view) const;
  // kData: the same bytes in chunks handed to `sink`, for a node that holds them
  // already (a git blob) and need not copy them whole. Default: ReadData at once.
  virtual void StreamData(View& view, const std::function<void(std::string_view)>& sink) const {
    sink(ReadData(view));
  }
  // A symbolic link (git-ingest's): its target, absolute or relative to the link's
  // folder, which the View resolves as it does a stored symlink's; shape() is then
  // never asked. nullopt (the default) for every other node.
  virtual std::optional<std::string> SymlinkTarget() const { return std::nullopt; }
  // For a template output: the template_file pond path (export derives the extension).
  virtual std::optional<std::string> TemplateFile() const { return std::nullopt; }
};

// One node as reached by a path.
struct Node {
  std::string path;  // as reached (not symlink-resolved)
  uint64_t id = 0;   // the node itself (same through any symlink)
  Shape shape = Shape::kDir;
  std::string listed_kind;                     // "dir", "file:series", "dynamic:template", …
  std::optional<store::NodeInfo> stored;       // set for stored nodes (incl. a factory's own node)
  std::shared_ptr<const Generated> generated;  // set for computed nodes
};

class View : public TreeView {
 public:
  // `vars` are the command line's -v variables (config expansion, templates).
  View(store::Pond& pond, std::map<std::string, std::string> vars);
  ~View() override;

  store::Pond& pond() { return pond_; }
  const std::map<std::string, std::string>& vars() const { return vars_; }

  // The node at `path`, nullopt if none. Throws Error for an invalid path.
  std::optional<Node> Lookup(const std::string& path);
  // Like Lookup, but throws `no such node (<path>)`.
  Node Get(const std::string& path);
  // Children of a directory (stored or computed), sorted byte-wise.
  std::vector<std::string> ListDir(const Node& dir);
  // Table/series relation; throws `not a table or series (<path>)` otherwise.
  std::string RelationSql(const Node& node);
  // `columns`: the only columns the caller reads (store::Pond::RelationSql); a
  // computed node reads what its factory needs whatever they are.
  std::string RelationSql(const Node& node, const store::ReadColumns& columns);
  // The relation restricted to a time range: every row whose `timestamp` is in
  // `range`, exactly as RelationSql(node) gives it and in the same order, with the same
  // columns. Rows outside the range may be there too: callers filter on their own time
  // expression. A stored series reads only the pieces overlapping the range, and
  // derived series pass the range on to their inputs, so the cost follows the range.
  std::string RelationSql(const Node& node, const TimeRange& range);

  // The identity of a node's content in `range`: a digest (sha256 hex) such that two
  // equal identities, in any views of this pond, mean the same rows in range (same
  // columns, types and order); nullopt when the node cannot tell (then nothing may be
  // derived from it without computing). Cheap: from the catalog and configs, no data
  // is read. A stored series: its schema and the cover pieces overlapping the range
  // (Pond::ContentIdentity); a table, data file or config: its latest blob; a derived
  // node: its factory, expanded config and its inputs' identities over the range its
  // rows in `range` come from (a reduction: the range widened to whole buckets).
  // `range` bounds `timestamp`; tables and data files ignore it.
  std::optional<std::string> Identity(const Node& node, const TimeRange& range);
  // Bounds of a table's or series' times, from the catalog (a stored series) or the
  // inputs' (a join); nullopt when unknown (a table, sql-derived…).
  std::optional<TimeExtent> Extent(const Node& node);
  // The columns of a computed table or series, named and typed as DESCRIBE gives
  // them, when its factory knows them without binding the relation (a reduction: from
  // its inputs' columns, bound once per View); nullopt otherwise.
  std::optional<std::vector<sql::Column>> KnownColumns(const Node& node);
  // Whether reading the relation again, or a time range of it, costs about what
  // reading a copy of it would: true for a stored node, and for a computed one whose
  // rows this View has as one file (Materialized). Callers that would read a computed
  // relation several times (export's time windows) copy it first otherwise.
  bool CheapToReread(const Node& node);
  // Whether a time range of the node's rows is computed from that range alone
  // (RelationSql with the range), never cut from a read of more: a sql-derived query
  // of known reach, whose window sums of floating values depend in their last bits on
  // where the computation starts. Export then computes each time partition by itself,
  // so every export of the same rows writes the same bytes (docs/factories.md,
  // "Incremental analyses").
  bool ComputedByRange(const Node& node);
  // A factory that wrote a computed node's whole relation to one host Parquet file
  // while reading it (a reduction's first read: docs/factories.md) notes it here, by
  // the node's path; the file holds exactly the rows this View reads there, in order.
  void NoteMaterialized(const std::string& path, std::string file);
  std::optional<std::string> Materialized(const std::string& path) const;

  // An input read through a format or as Parquet (InputNode, inputs.h), by the key of
  // what it was read from: its table's host file, times and skipped lines, found or
  // made once per View.
  struct ParsedInput {
    std::string file;
    std::optional<TimeExtent> extent;  // when it has a `timestamp` column
    int64_t skipped = 0;
  };
  std::map<std::string, ParsedInput>& parsed_inputs() { return parsed_inputs_; }
  // The parts an input is parsed in (formatted_input.cc), by "<node path> <url>": its
  // layout (a catalog query, the last line of each piece) read once per View.
  struct InputRange {
    std::string path;  // a blob's host path
    int64_t from = 0, to = 0;
  };
  struct InputPart {
    std::optional<std::string> key;  // nullopt: the bytes' identity is unknown
    std::vector<InputRange> ranges;  // empty: the node's bytes, read through the View
  };
  std::map<std::string, std::vector<InputPart>>& input_parts() { return input_parts_; }

  // A fresh host path (nothing there yet) in a folder of this View's own, removed with
  // the View: for what must be written somewhere when the pond's cache cannot be
  // (a read-only pond, a full disk).
  std::string TempFile(const std::string& suffix);

  // file:data bytes; throws `not a data file (<path>)` otherwise.
  std::string ReadData(const Node& node);
  // The same bytes in chunks, memory bounded for stored nodes (a computed one is
  // rendered whole and handed over at once).
  void StreamData(const Node& node, const std::function<void(std::string_view)>& sink);
  // Glob over the whole view; warnings are printed as `pond: warning: …`.
  const std::vector<GlobMatch>& Glob(const std::string& pattern);
  // The matches that are not directories; possibly none.
  std::vector<GlobMatch> MatchedFiles(const std::string& pattern);
  // Like MatchedFiles, but `pattern matched nothing (<pattern>)` when empty.
  std::vector<GlobMatch> GlobFiles(const std::string& pattern);
  // The columns of `relation`, a relation composed over this view (sql::Describe),
  // bound by DuckDB once per View: the blobs and cache files it names never change,
  // and factories compose the same inputs for each resolution, the whole and a range.
  const std::vector<sql::Column>& Describe(const std::string& relation);
  // `pond: warning: <what> (<where>)`, once per View for the same text: a node read
  // several times in one command (export, a reduction per resolution) warns once.
  void WarnOnce(const std::string& what, const std::string& where);

  // The expanded config of the dynamic node `node` (e.g. for `pond run`): its raw
  // text rendered with the vars given at mknod, overridden by this view's vars.
  // Throws `not a dynamic node (<path>)` for other nodes.
  struct DynamicConfig {
    std::string factory;
    std::string raw;                          // as stored
    std::map<std::string, std::string> vars;  // mknod vars overridden by vars()
  };
  DynamicConfig ConfigOf(const Node& node);

  // During export: the variable `export` that template nodes see (docs/export.md, "Templates").
  void SetExportContext(nlohmann::json export_set) { export_context_ = std::move(export_set); }
  const nlohmann::json& export_context() const { return export_context_; }

  // TreeView, for the glob matcher.
  std::optional<NodeInfo> Stat(const std::string& path) const override;
  std::vector<std::string> List(const std::string& path) const override;
  // A stored directory's plain entries (not symlinks, not dynamic) come with their
  // Stat answer from the tree snapshot, without a cached lookup per node.
  std::vector<Child> Children(const std::string& path) const override;

  // Cycle guard: a Generated holds a Guard on its own path while it reads its
  // inputs; the guard leaves on destruction. Re-entering a path on the stack throws
  // `cycle: /a -> /b -> /a`.
  class Guard {
   public:
    Guard(View& v, const std::string& path);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    View& view_;
  };

 private:
  // A resolved node plus where it really lives (symlinks resolved): the stored
  // path, or the mount path of the dynamic node plus the names below it.
  struct Resolved {
    Node node;
    std::string real_path;
  };
  // Children of the computed directory `dir`, with the shapes its factory knows.
  std::vector<Child> GeneratedChildren(const Node& dir);
  const std::optional<Resolved>& Resolve(const std::string& path, int hops);
  std::optional<Resolved> ResolveUncached(const std::string& path, int hops);
  // The node a symlink at `path` (really at `real`) designates, `hops` links followed.
  std::optional<Resolved> FollowSymlink(const std::string& path, const std::string& real,
                                        const std::string& target, int hops);
  Resolved Dynamic(const std::string& path, const std::string& real_path,
                   const store::NodeInfo& info);
  std::map<std::string, std::string> MknodVars(const store::VersionInfo& config_version);

  store::Pond& pond_;
  std::map<std::string, std::string> vars_;
  nlohmann::json export_context_ = nlohmann::json::object();
  std::vector<std::string> stack_;
  // Lookups, globs and transaction vars are memoized per View: a command reads one
  // consistent snapshot. Rendered templates and computed relations are not kept here;
  // only reductions keep settled buckets between reads, in the pond's result cache
  // (store/result_cache.h; docs/factories.md, "Cached reductions").
  // Unordered: references stay valid on insertion, and paths share long prefixes
  // that an ordered map would compare again and again.
  std::unordered_map<std::string, std::optional<Resolved>> cache_;
  std::map<std::string, std::vector<GlobMatch>> glob_cache_;
  std::map<int64_t, std::map<std::string, std::string>> txn_vars_;
  std::set<std::pair<std::string, std::string>> warned_;
  std::unordered_map<std::string, std::vector<sql::Column>> columns_;
  std::map<std::string, std::string> materialized_;  // node path → host Parquet file
  std::map<std::string, ParsedInput> parsed_inputs_;
  std::map<std::string, std::vector<InputPart>> input_parts_;
  // A stored node's identity by "<node id> <range>": the export of a reduction over a
  // year of logs asks each input's thousands of times (a catalog lookup and a hash).
  std::unordered_map<std::string, std::string> stored_identities_;
  std::string temp_dir_;                              // TempFile's folder, once made
  int64_t temp_files_ = 0;
};

}  // namespace pond::factories
