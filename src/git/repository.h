// A bare Git repository on the host, read and fetched through libgit2: what the
// git-ingest factory needs (docs/git-ingest.md), and nothing more. Only src/git/*.cc
// see git2.h; libgit2 is loaded on first use (git2_library.h).
//
// Promises:
// - Every failure throws pond::Error, one line naming the url, ref, directory or object
//   at fault, with libgit2's own message: `cannot fetch: <libgit2> (file:///srv/x.git)`.
// - Refs come in two sets. A fetch writes origin's branches and tags to the *fetched*
//   refs (`refs/fetched/heads/*`, `refs/fetched/tags/*`) only; readers resolve the
//   *published* ones (`refs/remotes/origin/*`, `refs/tags/*`), which change only when
//   Update's check accepted what was fetched. So a failed or killed update leaves
//   every read as it was: objects are written before refs, and each ref is replaced
//   by a rename (libgit2's lock files).
// - Updates of one repository run one at a time (an flock on `<dir>.lock`, released
//   by the kernel when its holder dies), so the lock files a killed update left are
//   known stale and removed by the next.
// - Branches deleted upstream stay: a pull never makes a readable ref vanish.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pond::git {

// What a tree entry is, from its mode: a directory, a file (executable or not), a
// symbolic link (its blob holds the target) or a submodule (a commit elsewhere).
enum class EntryKind { kTree, kBlob, kSymlink, kSubmodule };

struct TreeEntry {
  std::string name;
  EntryKind kind = EntryKind::kBlob;
  std::string id;  // the object id, 40 lowercase hex digits
};

struct Commit {
  std::string id;    // the commit, after peeling tags
  std::string tree;  // its root tree
};

// Which refs Resolve looks at.
enum class Refs { kPublished, kFetched };

class Repository {
 public:
  // Called by Update between fetch and publish; throws to refuse what was fetched.
  using Check = std::function<void(const Repository&)>;

  ~Repository();
  Repository(const Repository&) = delete;
  Repository& operator=(const Repository&) = delete;

  // The bare repository at `dir`; throws `cannot open the git repository: … (<dir>)`.
  static std::unique_ptr<Repository> Open(const std::string& dir);
  // A bare clone of `url` at `dir`, made in `<dir>.tmp` and renamed into place only
  // once Update's fetch and `check` succeeded: `dir` is a whole clone or absent.
  // When `dir` exists already (another process cloned first), it is opened and
  // updated instead.
  static std::unique_ptr<Repository> Clone(const std::string& url, const std::string& dir,
                                           const Check& check);

  // Fetches origin's branches and tags into the fetched refs (forced: a rewound branch
  // moves), calls `check`, then publishes every fetched ref: `refs/fetched/heads/X`
  // to `refs/remotes/origin/X`, `refs/fetched/tags/X` to `refs/tags/X`. Throws (and
  // publishes nothing) when the fetch or `check` fails.
  void Update(const Check& check);

  // Runs `fn` holding the update lock of the repository at `dir` (as Update does), so
  // that no update changes its refs meanwhile, and returns true; returns false without
  // running it when an update holds the lock now or the lock file cannot be made (a
  // reader without write access).
  static bool WithoutUpdates(const std::string& dir, const std::function<void()>& fn);

  // origin's url, as configured at clone.
  std::string url() const;
  const std::string& dir() const { return dir_; }

  // The commit `ref` names, tags peeled; nullopt when nothing does. Published: the
  // first of `refs/remotes/origin/REF`, `refs/heads/REF`, `refs/tags/REF`, `REF`,
  // then a full object id. Fetched: the same names mapped to the fetched refs (origin's
  // and local branches to `refs/fetched/heads/`, tags to `refs/fetched/tags/`).
  // Throws when `ref` names an object that is no commit (a tree, a blob).
  std::optional<Commit> Resolve(const std::string& ref, Refs refs) const;

  // The entries of tree `tree_id`, in Git's order (by name).
  std::vector<TreeEntry> ListTree(const std::string& tree_id) const;
  // The bytes of blob `blob_id`.
  std::string ReadBlob(const std::string& blob_id) const;
  // The same bytes handed to `sink` at once from libgit2's own buffer, without a copy.
  void ReadBlob(const std::string& blob_id,
                const std::function<void(std::string_view)>& sink) const;

 private:
  struct Handle;
  Repository(std::string dir, std::unique_ptr<Handle> handle);
  void FetchAndPublish(const Check& check);

  std::string dir_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace pond::git
