// git-ingest (docs/git-ingest.md): the commit a ref names in the node's clone, below
// `prefix`, as a read-only tree of generated nodes: trees are directories, blobs data
// files, symbolic links symlinks; submodules are left out.
#include "factories/git_ingest.h"

#include <unistd.h>

#include <filesystem>
#include <unordered_map>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "git/ref_files.h"
#include "git/repository.h"
#include "git/tree_listing.h"
#include "path/path.h"

namespace pond::factories {

namespace {

using git::EntryKind;
using git::Refs;
using git::Repository;
using git::TreeEntry;
using git::TreeListing;

// The tree `prefix` names below the commit `ref` names, in the refs `refs`; throws
// when the ref names nothing or a prefix segment is no directory.
std::pair<git::Commit, std::string> PrefixTree(const Repository& repo, const GitIngestConfig& c,
                                               Refs refs) {
  std::optional<git::Commit> commit = repo.Resolve(c.ref, refs);
  if (!commit) throw Error("ref '" + c.ref + "' not found", c.url);
  std::string tree = commit->tree;
  if (c.prefix.empty()) return {*commit, tree};
  for (const std::string& segment : SplitPath("/" + c.prefix)) {
    std::optional<std::string> next;
    for (const TreeEntry& e : repo.ListTree(tree))
      if (e.name == segment && e.kind == EntryKind::kTree) next = e.id;
    if (!next) throw Error("Prefix segment '" + segment + "' not found in tree", c.ref);
    tree = *next;
  }
  return {*commit, tree};
}

std::unique_ptr<Repository> CloneOrUpdate(const std::string& dir, const GitIngestConfig& c) {
  const auto check = [&](const Repository& r) { PrefixTree(r, c, Refs::kFetched); };
  if (!std::filesystem::exists(dir)) return Repository::Clone(c.url, dir, check);
  std::unique_ptr<Repository> repo = Repository::Open(dir);
  repo->Update(check);
  return repo;
}

// The listing of what `ref` names now, built through libgit2 and kept in the clone for
// the next commands; nullopt when an update holds the clone (it keeps its own), the
// refs cannot be checked without libgit2, or this user cannot write the clone.
std::optional<TreeListing> KeepListing(const Repository& repo, const GitIngestConfig& c) {
  std::optional<TreeListing> kept;
  if (::access(repo.dir().c_str(), W_OK) != 0) return kept;
  Repository::WithoutUpdates(repo.dir(), [&] {
    // Read before resolving, under the lock: the refs cannot move in between.
    const std::optional<std::string> state = git::PublishedRefState(repo.dir(), c.ref);
    if (!state) return;
    auto [commit, tree] = PrefixTree(repo, c, Refs::kPublished);
    kept = TreeListing::Build(repo, commit.id, tree);
    kept->Write(repo.dir(), c.ref, c.prefix, *state);  // if not, it still serves this command
  });
  return kept;
}

// One View's read of the clone: the ref resolved once, so a pull meanwhile does not
// mix two commits in one command. Trees come from the kept listing when there is one
// (no libgit2 loaded), else from the clone; blobs from the clone, opened on first read.
class Snapshot {
 public:
  // What `c` names in the clone at `dir`, which is made when there is none yet.
  Snapshot(std::string dir, const GitIngestConfig& c) : dir_(std::move(dir)) {
    listing_ = TreeListing::Load(dir_, c.ref, c.prefix);
    if (listing_) return;
    repo_ = std::filesystem::exists(dir_) ? Repository::Open(dir_) : CloneOrUpdate(dir_, c);
    listing_ = KeepListing(*repo_, c);
    if (listing_) return;
    root_ = PrefixTree(*repo_, c, Refs::kPublished).second;
  }

  // The tree below the prefix.
  const std::string& root() const { return listing_ ? listing_->root() : root_; }

  // Tree `id`'s entries, read once.
  const std::vector<TreeEntry>& Entries(const std::string& id) const {
    if (listing_)
      if (const std::vector<TreeEntry>* entries = listing_->Entries(id)) return *entries;
    auto it = trees_.find(id);
    if (it == trees_.end()) it = trees_.emplace(id, Repo().ListTree(id)).first;
    return it->second;
  }
  std::string SymlinkTarget(const std::string& id) const {
    if (listing_)
      if (const std::string* target = listing_->SymlinkTarget(id)) return *target;
    return Repo().ReadBlob(id);
  }
  const Repository& Repo() const {
    if (!repo_) repo_ = Repository::Open(dir_);
    return *repo_;
  }

 private:
  std::string dir_;
  std::optional<TreeListing> listing_;
  std::string root_;
  mutable std::unique_ptr<Repository> repo_;
  mutable std::unordered_map<std::string, std::vector<TreeEntry>> trees_;
};

// A tree of the snapshot, as a directory; its entries listed once.
class GitTree : public Generated {
 public:
  GitTree(std::shared_ptr<const Snapshot> snapshot, std::string tree, std::string path)
      : snapshot_(std::move(snapshot)), tree_(std::move(tree)), path_(std::move(path)) {}

  Shape shape() const override { return Shape::kDir; }
  std::vector<std::string> List(View& view) const override;
  std::vector<ChildShape> ListShapes(View& view) const override;
  std::shared_ptr<const Generated> Child(View& view, const std::string& name) const override;

 private:
  // Entries a pond can show: submodules left out, and names that are no valid pond
  // name (git allows any byte but '/' and NUL), warned about once.
  const std::vector<const TreeEntry*>& Entries(View& view) const {
    if (!entries_) {
      entries_.emplace();
      for (const TreeEntry& e : snapshot_->Entries(tree_)) {
        if (e.kind == EntryKind::kSubmodule) continue;
        if (!IsValidName(e.name)) {
          view.WarnOnce("git entry with a name no pond path can hold left out", path_);
          continue;
        }
        entries_->push_back(&e);
      }
    }
    return *entries_;
  }

  std::shared_ptr<const Snapshot> snapshot_;
  std::string tree_;
  std::string path_;
  mutable std::optional<std::vector<const TreeEntry*>> entries_;
};

class GitBlob : public Generated {
 public:
  GitBlob(std::shared_ptr<const Snapshot> snapshot, std::string blob)
      : snapshot_(std::move(snapshot)), blob_(std::move(blob)) {}
  Shape shape() const override { return Shape::kData; }
  std::string ReadData(View&) const override { return snapshot_->Repo().ReadBlob(blob_); }
  void StreamData(View&, const std::function<void(std::string_view)>& sink) const override {
    snapshot_->Repo().ReadBlob(blob_, sink);
  }
  // The object id is the bytes' identity: a file a pull left unchanged keeps it, and
  // so every parse and reduction cached from it (docs/factories.md, "Identity").
  std::optional<std::string> Identity(View&, const TimeRange&) const override {
    return Digest({"git blob", blob_});
  }

 private:
  std::shared_ptr<const Snapshot> snapshot_;
  std::string blob_;
};

class GitSymlink : public Generated {
 public:
  explicit GitSymlink(std::string target) : target_(std::move(target)) {}
  Shape shape() const override { return Shape::kData; }  // never asked: the View follows it
  std::optional<std::string> SymlinkTarget() const override { return target_; }

 private:
  std::string target_;
};

std::vector<std::string> GitTree::List(View& view) const {
  std::vector<std::string> names;
  for (const TreeEntry* e : Entries(view)) names.push_back(e->name);
  return names;
}

std::vector<Generated::ChildShape> GitTree::ListShapes(View& view) const {
  std::vector<ChildShape> shapes;
  shapes.reserve(Entries(view).size());
  for (const TreeEntry* e : Entries(view)) {
    std::optional<bool> is_dir;  // a symlink's is its target's: Child follows it
    if (e->kind != EntryKind::kSymlink) is_dir = e->kind == EntryKind::kTree;
    shapes.push_back({e->name, is_dir});
  }
  return shapes;
}

std::shared_ptr<const Generated> GitTree::Child(View& view, const std::string& name) const {
  for (const TreeEntry* e : Entries(view)) {
    if (e->name != name) continue;
    const std::string path = JoinPath(path_, name);
    switch (e->kind) {
      case EntryKind::kTree:
        return std::make_shared<GitTree>(snapshot_, e->id, path);
      case EntryKind::kBlob:
        return std::make_shared<GitBlob>(snapshot_, e->id);
      case EntryKind::kSymlink: {
        std::string target = snapshot_->SymlinkTarget(e->id);
        try {
          ResolveSymlinkTarget(path, target);
        } catch (const Error&) {
          return nullptr;  // no pond path (empty, a NUL byte…): a dangling link
        }
        return std::make_shared<GitSymlink>(std::move(target));
      }
      case EntryKind::kSubmodule:
        break;
    }
  }
  return nullptr;
}

// The node itself: the tree below `prefix` of the commit `ref` names in the clone, which
// its first read makes when there is none yet.
class GitIngestNode : public Generated {
 public:
  GitIngestNode(std::string path, GitIngestConfig config, uint64_t node_id)
      : path_(std::move(path)), config_(std::move(config)), node_id_(node_id) {}

  Shape shape() const override { return Shape::kDir; }
  std::vector<std::string> List(View& view) const override { return Root(view).List(view); }
  std::vector<ChildShape> ListShapes(View& view) const override {
    return Root(view).ListShapes(view);
  }
  std::shared_ptr<const Generated> Child(View& view, const std::string& name) const override {
    return Root(view).Child(view, name);
  }

 private:
  const GitTree& Root(View& view) const {
    if (root_) return *root_;
    if (node_id_ == 0)
      throw Error(
          "git-ingest keeps a clone per node: mknod it on its own, not inside a dynamic-dir");
    auto snapshot =
        std::make_shared<const Snapshot>(GitClonePath(view.pond().dir(), node_id_), config_);
    const std::string root = snapshot->root();
    root_ = std::make_shared<GitTree>(std::move(snapshot), root, path_);
    return *root_;
  }

  std::string path_;
  GitIngestConfig config_;
  uint64_t node_id_;
  mutable std::shared_ptr<const GitTree> root_;
};

class GitIngest : public Factory {
 public:
  std::string name() const override { return "git-ingest"; }
  std::string description() const override {
    return "a read-only subtree of a Git ref (run: pull, status, push)";
  }
  Shape shape() const override { return Shape::kDir; }
  bool runnable() const override { return true; }
  void Validate(const Config& config) const override { ParseGitIngestConfig(config); }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<GitIngestNode>(path, ParseGitIngestConfig(config), config.node_id);
  }
};

}  // namespace

GitIngestConfig ParseGitIngestConfig(const Config& c) {
  Fields f(c.root, c, "config", {"url", "ref", "prefix"});
  GitIngestConfig out;
  out.url = f.String("url");
  if (!out.url.starts_with("file:///") && !out.url.starts_with("https://"))
    throw Error("field 'url' must be a file:/// or https:// url", f.Where(f.Required("url")));
  out.ref = f.String("ref");
  if (out.ref.empty()) throw Error("field 'ref' must not be empty", f.Where(f.Required("ref")));
  if (std::optional<std::string> prefix = f.OptionalString("prefix")) {
    const std::string where = f.Where(f.Required("prefix"));
    if (prefix->empty() || prefix->front() == '/' || prefix->back() == '/')
      throw Error("field 'prefix' must be a relative path without a leading or trailing '/'",
                  where);
    for (std::string_view rest = *prefix; !rest.empty();) {
      const size_t slash = rest.find('/');
      const std::string segment(rest.substr(0, slash));
      if (segment == "..") throw Error("field 'prefix' must not hold '..'", where);
      CheckName(segment, where);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
    out.prefix = *prefix;
  }
  return out;
}

std::string GitClonePath(const std::string& pond_dir, uint64_t node_id) {
  return pond_dir + "/git/" + std::to_string(node_id) + ".git";
}

std::string GitPull(const std::string& pond_dir, uint64_t node_id, const GitIngestConfig& config) {
  const std::string dir = GitClonePath(pond_dir, node_id);
  std::unique_ptr<Repository> repo = CloneOrUpdate(dir, config);
  // Nothing new: the listing kept at the last pull is still current.
  if (auto commit = TreeListing::CurrentCommit(dir, config.ref, config.prefix)) return *commit;
  if (auto listing = KeepListing(*repo, config)) return listing->commit();
  return PrefixTree(*repo, config, Refs::kPublished).first.id;
}

std::optional<std::string> GitPulledCommit(const std::string& pond_dir, uint64_t node_id,
                                           const GitIngestConfig& config) {
  const std::string dir = GitClonePath(pond_dir, node_id);
  if (auto commit = TreeListing::CurrentCommit(dir, config.ref, config.prefix)) return *commit;
  if (!std::filesystem::exists(dir)) return std::nullopt;
  return PrefixTree(*Repository::Open(dir), config, Refs::kPublished).first.id;
}

const Factory& GitIngestFactory() {
  static const GitIngest f;
  return f;
}

}  // namespace pond::factories
