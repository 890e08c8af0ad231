#include "factories/view.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "base/error.h"
#include "base/log.h"
#include "factories/dynamic_node.h"
#include "factories/factory.h"
#include "path/path.h"

namespace pond::factories {

namespace {

// Thrown only while following links, so Stat can report a loop as "no node" (the
// TreeView contract) while every other error still propagates.
class SymlinkLoop : public Error {
 public:
  using Error::Error;
};

Shape ShapeOfKind(store::Kind kind, const std::string& path) {
  switch (kind) {
    case store::Kind::kDir:
      return Shape::kDir;
    case store::Kind::kData:
    case store::Kind::kLog:  // an append-only data file reads as its bytes
      return Shape::kData;
    case store::Kind::kTable:
      return Shape::kTable;
    case store::Kind::kSeries:
      return Shape::kSeries;
    case store::Kind::kSymlink:
    case store::Kind::kDynamic:
      break;
  }
  throw Error("unexpected node kind " + store::KindName(kind), path);
}

// Generated nodes have no catalog id; derive a stable one from the parent's id and
// the name, with the top bit set so it never equals a catalog id.
uint64_t ChildId(uint64_t parent_id, const std::string& name) {
  return std::hash<std::string>{}(std::to_string(parent_id) + "/" + name) | (uint64_t{1} << 63);
}

}  // namespace

std::string ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kDir:
      return "dir";
    case Shape::kData:
      return "data";
    case Shape::kTable:
      return "table";
    case Shape::kSeries:
      return "series";
    case Shape::kExecutable:
      return "executable";
    case Shape::kTransform:
      return "transform";
  }
  return "unknown";
}

std::string ListedKind(Shape shape) {
  switch (shape) {
    case Shape::kDir:
      return store::KindName(store::Kind::kDir);
    case Shape::kData:
      return store::KindName(store::Kind::kData);
    case Shape::kTable:
      return store::KindName(store::Kind::kTable);
    case Shape::kSeries:
      return store::KindName(store::Kind::kSeries);
    case Shape::kExecutable:
    case Shape::kTransform:
      break;
  }
  return ShapeName(shape);
}

std::string Generated::listed_kind() const { return ListedKind(shape()); }

std::string Generated::RangeRelationSql(View& view, const TimeRange&) const {
  return RelationSql(view);
}

std::optional<std::string> Generated::Identity(View&, const TimeRange&) const {
  return std::nullopt;
}

std::optional<TimeExtent> Generated::Extent(View&) const { return std::nullopt; }

bool Generated::CheapToReread(View&) const { return false; }

bool Generated::ComputedByRange(View&) const { return false; }

std::optional<std::vector<sql::Column>> Generated::KnownColumns(View&) const {
  return std::nullopt;
}

void TimeExtent::Add(const TimeExtent& other) {
  null_times |= other.null_times;
  if (other.empty) return;
  if (empty) {
    *this = other;
    return;
  }
  min = std::min(min, other.min);
  max = std::max(max, other.max);
}

View::View(store::Pond& pond, std::map<std::string, std::string> vars)
    : pond_(pond), vars_(std::move(vars)) {}

View::~View() {
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

std::string View::TempFile(const std::string& suffix) {
  if (temp_dir_.empty()) {
    std::string dir = (std::filesystem::temp_directory_path() / "pond-view-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw Error("cannot make a temporary folder", dir);
    temp_dir_ = dir;
  }
  return temp_dir_ + "/" + std::to_string(++temp_files_) + suffix;
}

std::optional<Node> View::Lookup(const std::string& path) {
  const std::optional<Resolved>& r = Resolve(NormalizePath(path), 0);
  if (!r) return std::nullopt;
  return r->node;
}

Node View::Get(const std::string& path) {
  std::optional<Node> node = Lookup(path);
  if (!node) throw Error("no such node", path);
  return *node;
}

namespace {

// An error already named after its dynamic node, or a cycle (which names them all):
// passed on as it is through the nodes that read it.
class NamedError : public Error {
 public:
  using Error::Error;
};

// An error of a dynamic directory's own config or inputs, named after the node: the
// cause alone names an input, and the user has to find which node read it.
[[noreturn]] void RethrowNamingNode(const Error& e, const std::string& node_path) {
  throw NamedError("dynamic node " + node_path + ": " + e.message(), e.where());
}

// `read()` of the computed directory `dir`, its errors named after it.
template <typename F>
auto NamingNode(const Node& dir, F&& read) {
  try {
    return read();
  } catch (const NamedError&) {
    throw;
  } catch (const Error& e) {
    RethrowNamingNode(e, dir.path);
  }
}

}  // namespace

std::vector<std::string> View::ListDir(const Node& dir) {
  if (dir.shape != Shape::kDir) throw Error("not a directory", dir.path);
  std::vector<std::string> names = dir.generated
                                       ? NamingNode(dir, [&] { return dir.generated->List(*this); })
                                       : pond_.List(*dir.stored);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// A damaged or missing blob, named by the pond path that reads it (the blob's own
// name is in the message): `pond check` then finds every other one.
template <typename F>
auto NamingBlobErrors(const std::string& path, F&& read) {
  try {
    return read();
  } catch (const store::BlobError& e) {
    throw Error(e.message(), path);
  }
}

}  // namespace

std::string View::RelationSql(const Node& node) { return RelationSql(node, std::nullopt); }

std::string View::RelationSql(const Node& node, const store::ReadColumns& columns) {
  if (node.shape != Shape::kTable && node.shape != Shape::kSeries)
    throw Error("not a table or series", node.path);
  if (node.generated) return node.generated->RelationSql(*this);
  return NamingBlobErrors(node.path, [&] { return pond_.RelationSql(*node.stored, columns); });
}

std::string View::RelationSql(const Node& node, const TimeRange& range) {
  if (node.shape != Shape::kTable && node.shape != Shape::kSeries)
    throw Error("not a table or series", node.path);
  if (!range.begin && !range.end) return RelationSql(node);
  if (node.generated) return node.generated->RangeRelationSql(*this, range);
  return NamingBlobErrors(node.path, [&] { return pond_.RelationSql(*node.stored, range); });
}

std::optional<std::string> View::Identity(const Node& node, const TimeRange& range) {
  if (node.generated) return node.generated->Identity(*this, range);
  if (node.shape == Shape::kDir || !node.stored) return std::nullopt;
  const std::string key = std::to_string(node.stored->id) + " " +
                          std::to_string(range.begin.value_or(INT64_MIN)) + " " +
                          std::to_string(range.end.value_or(INT64_MAX));
  if (auto it = stored_identities_.find(key); it != stored_identities_.end()) return it->second;
  return stored_identities_.emplace(key, pond_.ContentIdentity(*node.stored, range)).first->second;
}

std::optional<TimeExtent> View::Extent(const Node& node) {
  if (node.generated) return node.generated->Extent(*this);
  if (node.shape != Shape::kSeries || !node.stored) return std::nullopt;
  const store::Pond::Extent e = pond_.ExtentOf(*node.stored);
  if (!e.min_ts || !e.max_ts) return TimeExtent{true, 0, 0, e.ts_nulls > 0};
  return TimeExtent{false, *e.min_ts, *e.max_ts, e.ts_nulls > 0};
}

std::string View::ReadData(const Node& node) {
  if (node.shape != Shape::kData) throw Error("not a data file", node.path);
  if (node.generated) return node.generated->ReadData(*this);
  return NamingBlobErrors(node.path, [&] { return pond_.ReadData(*node.stored); });
}

void View::StreamData(const Node& node, const std::function<void(std::string_view)>& sink) {
  if (node.shape != Shape::kData) throw Error("not a data file", node.path);
  if (node.generated) return node.generated->StreamData(*this, sink);
  NamingBlobErrors(node.path, [&] { pond_.StreamData(*node.stored, sink); });
}

const std::vector<GlobMatch>& View::Glob(const std::string& pattern) {
  auto it = glob_cache_.find(pattern);
  if (it != glob_cache_.end()) return it->second;
  GlobResult result = pond::Glob(pattern, *this);
  for (const auto& w : result.warnings) Warn(w);
  return glob_cache_.emplace(pattern, std::move(result.matches)).first->second;
}

std::vector<GlobMatch> View::MatchedFiles(const std::string& pattern) {
  std::vector<GlobMatch> files;
  for (const auto& m : Glob(pattern))
    if (!m.is_dir) files.push_back(m);
  return files;
}

std::vector<GlobMatch> View::GlobFiles(const std::string& pattern) {
  std::vector<GlobMatch> files = MatchedFiles(pattern);
  if (files.empty()) throw Error("pattern matched nothing", pattern);
  return files;
}

std::optional<std::vector<sql::Column>> View::KnownColumns(const Node& node) {
  if (!node.generated) return std::nullopt;
  return node.generated->KnownColumns(*this);
}

bool View::CheapToReread(const Node& node) {
  return !node.generated || node.generated->CheapToReread(*this);
}

bool View::ComputedByRange(const Node& node) {
  return node.generated && node.generated->ComputedByRange(*this);
}

void View::NoteMaterialized(const std::string& path, std::string file) {
  materialized_[path] = std::move(file);
}

std::optional<std::string> View::Materialized(const std::string& path) const {
  auto it = materialized_.find(path);
  if (it == materialized_.end()) return std::nullopt;
  return it->second;
}

const std::vector<sql::Column>& View::Describe(const std::string& relation) {
  auto it = columns_.find(relation);
  if (it == columns_.end())
    it = columns_.emplace(relation, sql::Describe(pond_.sql(), relation)).first;
  return it->second;
}

void View::WarnOnce(const std::string& what, const std::string& where) {
  if (warned_.emplace(what, where).second) Warn(what, where);
}

View::DynamicConfig View::ConfigOf(const Node& node) {
  if (!node.stored || node.stored->kind != store::Kind::kDynamic)
    throw Error("not a dynamic node", node.path);
  if (node.stored->versions.empty()) throw Error("dynamic node has no config", node.path);
  DynamicConfig dc{node.stored->factory,
                   NamingBlobErrors(node.path, [&] { return pond_.ReadData(*node.stored); }),
                   MknodVars(node.stored->versions.back())};
  for (const auto& [k, v] : vars_) dc.vars[k] = v;
  return dc;
}

std::map<std::string, std::string> View::MknodVars(const store::VersionInfo& config_version) {
  const int64_t seq = config_version.txn_seq;
  auto it = txn_vars_.find(seq);
  if (it != txn_vars_.end()) return it->second;
  std::map<std::string, std::string> vars;
  // The transaction that wrote this config version holds the mknod command's -v vars.
  const int64_t back = std::max<int64_t>(pond_.last_seq() - seq + 1, 1);
  for (const auto& txn : pond_.Log(static_cast<size_t>(back)))
    if (txn.seq == seq) vars = txn.vars;
  return txn_vars_.emplace(seq, std::move(vars)).first->second;
}

std::optional<TreeView::NodeInfo> View::Stat(const std::string& path) const {
  // The View is logically const for the matcher: only its memo tables change.
  View& self = const_cast<View&>(*this);
  try {
    const std::optional<Resolved>& r = self.Resolve(NormalizePath(path), 0);
    if (!r) return std::nullopt;
    return NodeInfo{r->node.id, r->node.shape == Shape::kDir};
  } catch (const SymlinkLoop&) {
    return std::nullopt;
  }
}

std::vector<std::string> View::List(const std::string& path) const {
  View& self = const_cast<View&>(*this);
  const Node dir = self.Get(path);
  try {
    return self.ListDir(dir);
  } catch (const Error& e) {
    // A user's glob walks on: one broken dynamic node must not hide the rest of the
    // pond. A node computing its inputs (a guard is held) fails, as does reading
    // the broken node itself.
    if (!dir.generated || !self.stack_.empty()) throw;
    Warn(e.what());
    return {};
  }
}

std::vector<TreeView::Child> View::Children(const std::string& path) const {
  View& self = const_cast<View&>(*this);
  const Node dir = self.Get(path);
  if (dir.shape != Shape::kDir) throw Error("not a directory", dir.path);
  if (dir.generated) return self.GeneratedChildren(dir);
  if (!dir.stored) return TreeView::Children(path);
  std::vector<store::Pond::Entry> entries = pond_.Entries(*dir.stored);
  std::vector<Child> children;
  children.reserve(entries.size());
  for (store::Pond::Entry& e : entries) {
    // A symlink or dynamic node needs the View's own resolution: Stat on demand.
    const bool plain = e.kind != store::Kind::kSymlink && e.kind != store::Kind::kDynamic;
    children.push_back(Child{std::move(e.name), plain,
                             NodeInfo{static_cast<uint64_t>(e.id), e.kind == store::Kind::kDir}});
  }
  return children;
}

std::vector<TreeView::Child> View::GeneratedChildren(const Node& dir) {
  std::vector<Generated::ChildShape> shapes;
  try {
    shapes = NamingNode(dir, [&] { return dir.generated->ListShapes(*this); });
  } catch (const Error& e) {
    if (!stack_.empty()) throw;  // as List: a user's glob walks on past a broken node
    Warn(e.what());
    return {};
  }
  std::vector<Child> children;
  children.reserve(shapes.size());
  for (Generated::ChildShape& s : shapes) {
    if (!s.is_dir) {
      children.push_back(Child{std::move(s.name)});
      continue;
    }
    // The id Resolve gives the child: ChildId of the resolved parent's.
    const NodeInfo info{ChildId(dir.id, s.name), *s.is_dir};
    children.push_back(Child{std::move(s.name), true, info});
  }
  return children;
}

const std::optional<View::Resolved>& View::Resolve(const std::string& path, int hops) {
  auto it = cache_.find(path);
  if (it != cache_.end()) return it->second;
  std::optional<Resolved> r = ResolveUncached(path, hops);
  return cache_.emplace(path, std::move(r)).first->second;
}

std::optional<View::Resolved> View::ResolveUncached(const std::string& path, int hops) {
  if (path == "/") {
    store::NodeInfo root = pond_.Get("/");
    const auto id = static_cast<uint64_t>(root.id);
    return Resolved{Node{"/", id, Shape::kDir, "dir", std::move(root), nullptr}, "/"};
  }
  // Map references stay valid while Resolve inserts other paths.
  const std::optional<Resolved>& parent = Resolve(ParentPath(path), hops);
  if (!parent || parent->node.shape != Shape::kDir) return std::nullopt;
  const std::string name = BaseName(path);
  const std::string real = JoinPath(parent->real_path, name);

  if (parent->node.generated) {
    std::shared_ptr<const Generated> child;
    try {
      child = parent->node.generated->Child(*this, name);
    } catch (const NamedError&) {
      throw;
    } catch (const Error& e) {
      RethrowNamingNode(e, parent->node.path);
    }
    if (!child) return std::nullopt;
    if (std::optional<std::string> target = child->SymlinkTarget())
      return FollowSymlink(path, real, *target, hops);
    return Resolved{Node{path, ChildId(parent->node.id, name), child->shape(), child->listed_kind(),
                         std::nullopt, child},
                    real};
  }

  // The parent is a stored directory, resolved (symlinks followed) already.
  std::optional<store::NodeInfo> info = pond_.Child(*parent->node.stored, name);
  if (!info) return std::nullopt;
  switch (info->kind) {
    case store::Kind::kSymlink:
      return FollowSymlink(path, real, info->target, hops);
    case store::Kind::kDynamic:
      return Dynamic(path, real, *info);
    default: {
      const auto id = static_cast<uint64_t>(info->id);
      const Shape shape = ShapeOfKind(info->kind, path);
      const std::string kind = store::ListedKind(info->kind, info->factory);
      return Resolved{Node{path, id, shape, kind, std::move(info), nullptr}, real};
    }
  }
}

std::optional<View::Resolved> View::FollowSymlink(const std::string& path,
                                                  const std::string& real,
                                                  const std::string& target, int hops) {
  if (++hops > kMaxSymlinkHops) throw SymlinkLoop("symlink loop", path);
  const std::optional<Resolved>& resolved = Resolve(ResolveSymlinkTarget(real, target), hops);
  if (!resolved) return std::nullopt;
  Resolved r = *resolved;
  r.node.path = path;
  return r;
}

View::Resolved View::Dynamic(const std::string& path, const std::string& real_path,
                             const store::NodeInfo& info) {
  const Factory& factory = GetFactory(info.factory);
  Node node{path,
            static_cast<uint64_t>(info.id),
            factory.shape(),
            store::ListedKind(info.kind, info.factory),
            info,
            nullptr};
  Node mount = node;
  mount.path = real_path;
  node.generated = std::make_shared<DynamicNode>(factory, std::move(mount));
  return Resolved{std::move(node), real_path};
}

View::Guard::Guard(View& v, const std::string& path) : view_(v) {
  auto& stack = view_.stack_;
  auto it = std::find(stack.begin(), stack.end(), path);
  if (it != stack.end()) {
    std::string chain;
    for (; it != stack.end(); ++it) chain += *it + " -> ";
    throw NamedError("cycle: " + chain + path, path);
  }
  stack.push_back(path);
}

View::Guard::~Guard() { view_.stack_.pop_back(); }

}  // namespace pond::factories
