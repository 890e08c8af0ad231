#include "git/repository.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "base/error.h"
#include "git/git2_library.h"
#include "git/ref_files.h"

namespace pond::git {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFetchedHeads = "refs/fetched/heads/";
constexpr const char* kFetchedTags = "refs/fetched/tags/";
constexpr const char* kOriginHeads = "refs/remotes/origin/";
constexpr const char* kLocalHeads = "refs/heads/";
constexpr const char* kTags = "refs/tags/";

// `<what>: <libgit2's message>`, naming `where`.
[[noreturn]] void ThrowGit(const std::string& what, const std::string& where) {
  const git_error* e = Git2().git_error_last();
  std::string message = e && e->message ? e->message : "unknown libgit2 error";
  // One line, as every error of ours (libgit2 passes a server's text on as it is).
  std::replace(message.begin(), message.end(), '\n', ' ');
  while (!message.empty() && message.back() == ' ') message.pop_back();
  throw Error(what + ": " + message, where);
}

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
void FreeObject(git_object* p) { Git2().git_object_free(p); }
void FreeReference(git_reference* p) { Git2().git_reference_free(p); }
void FreeRemote(git_remote* p) { Git2().git_remote_free(p); }
void FreeTree(git_tree* p) { Git2().git_tree_free(p); }
void FreeBlob(git_blob* p) { Git2().git_blob_free(p); }
void FreeIterator(git_reference_iterator* p) { Git2().git_reference_iterator_free(p); }
using ObjectPtr = std::unique_ptr<git_object, Freer<git_object, FreeObject>>;
using ReferencePtr = std::unique_ptr<git_reference, Freer<git_reference, FreeReference>>;
using RemotePtr = std::unique_ptr<git_remote, Freer<git_remote, FreeRemote>>;
using TreePtr = std::unique_ptr<git_tree, Freer<git_tree, FreeTree>>;
using BlobPtr = std::unique_ptr<git_blob, Freer<git_blob, FreeBlob>>;
using IteratorPtr =
    std::unique_ptr<git_reference_iterator, Freer<git_reference_iterator, FreeIterator>>;

std::string Hex(const git_oid* id) { return Git2().git_oid_tostr_s(id); }

bool IsFullObjectId(const std::string& s) {
  return s.size() == GIT_OID_HEXSZ &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

git_oid ParseId(const std::string& hex, const std::string& what) {
  git_oid id;
  if (!IsFullObjectId(hex) || Git2().git_oid_fromstrn(&id, hex.data(), hex.size()) < 0)
    throw Error("not a full object id", what + " " + hex);
  return id;
}

// One update of a repository at a time: an exclusive flock on `<dir>.lock`, beside the
// repository so that it also guards the clone that makes it.
class UpdateLock {
 public:
  // Waits for the lock; throws when its file cannot be opened.
  explicit UpdateLock(const std::string& dir) : UpdateLock(dir, /*wait=*/true) {
    if (!held()) throw Error("cannot lock", path_);
  }
  // Takes the lock if free now; held() says whether it did (never throws).
  static UpdateLock IfFree(const std::string& dir) { return UpdateLock(dir, /*wait=*/false); }
  ~UpdateLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  UpdateLock(UpdateLock&& other) noexcept
      : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  UpdateLock& operator=(UpdateLock&&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  UpdateLock(const std::string& dir, bool wait) : path_(dir + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      if (wait) throw Error("cannot open lock file", path_);
      return;
    }
    while (::flock(fd_, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0)
      if (errno != EINTR) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
  }

  std::string path_;
  int fd_ = -1;
};

// The lock files an update killed midway left (libgit2 refuses to write a ref whose
// `.lock` exists): under refs/, and packed-refs' or config's at the top. Called under
// the UpdateLock, when no other update can be running. objects/ is not walked: a
// clone's objects may be thousands of folders, and libgit2 locks none of them.
void RemoveStaleLockFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".lock") stale.push_back(it->path());
  for (auto it = fs::recursive_directory_iterator(dir + "/refs", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".lock") stale.push_back(it->path());
  for (const auto& p : stale) fs::remove(p, ec);
}

// The fetched ref that stands for published name `name`, or "" when none does.
std::string FetchedName(const std::string& name) {
  for (const auto& [from, to] :
       {std::pair{kOriginHeads, kFetchedHeads}, std::pair{kLocalHeads, kFetchedHeads},
        std::pair{kTags, kFetchedTags}})
    if (name.starts_with(from)) return to + name.substr(std::string_view(from).size());
  return "";
}

}  // namespace

struct Repository::Handle {
  git_repository* repo = nullptr;
  ~Handle() {
    if (repo) Git2().git_repository_free(repo);
  }
};

Repository::Repository(std::string dir, std::unique_ptr<Handle> handle)
    : dir_(std::move(dir)), handle_(std::move(handle)) {}

Repository::~Repository() = default;

std::unique_ptr<Repository> Repository::Open(const std::string& dir) {
  auto handle = std::make_unique<Handle>();
  if (Git2().git_repository_open_bare(&handle->repo, dir.c_str()) < 0)
    ThrowGit("cannot open the git repository", dir);
  return std::unique_ptr<Repository>(new Repository(dir, std::move(handle)));
}

std::unique_ptr<Repository> Repository::Clone(const std::string& url, const std::string& dir,
                                              const Check& check) {
  std::error_code ec;
  fs::create_directories(fs::path(dir).parent_path(), ec);
  UpdateLock lock(dir);
  if (fs::exists(dir)) {
    std::unique_ptr<Repository> repo = Open(dir);
    RemoveStaleLockFiles(dir);
    repo->FetchAndPublish(check);
    return repo;
  }
  // A clone killed before its rename left this; the lock says nobody is making it now.
  const std::string tmp = dir + ".tmp";
  fs::remove_all(tmp, ec);
  try {
    auto handle = std::make_unique<Handle>();
    if (Git2().git_repository_init(&handle->repo, tmp.c_str(), /*is_bare=*/1) < 0)
      ThrowGit("cannot create a git repository", tmp);
    git_remote* remote = nullptr;
    const std::string heads = std::string("+") + kLocalHeads + "*:" + kFetchedHeads + "*";
    const std::string tags = std::string("+") + kTags + "*:" + kFetchedTags + "*";
    if (Git2().git_remote_create_with_fetchspec(&remote, handle->repo, "origin", url.c_str(),
                                                heads.c_str()) < 0)
      ThrowGit("cannot add the remote", url);
    Git2().git_remote_free(remote);
    if (Git2().git_remote_add_fetch(handle->repo, "origin", tags.c_str()) < 0)
      ThrowGit("cannot add the remote", url);
    Repository(tmp, std::move(handle)).FetchAndPublish(check);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::rename(tmp, dir, ec);
  if (ec) throw Error("cannot rename the new clone into place: " + ec.message(), dir);
  return Open(dir);
}

void Repository::Update(const Check& check) {
  UpdateLock lock(dir_);
  RemoveStaleLockFiles(dir_);
  FetchAndPublish(check);
}

bool Repository::WithoutUpdates(const std::string& dir, const std::function<void()>& fn) {
  const UpdateLock lock = UpdateLock::IfFree(dir);
  if (!lock.held()) return false;
  fn();
  return true;
}

std::string Repository::url() const {
  git_remote* raw = nullptr;
  if (Git2().git_remote_lookup(&raw, handle_->repo, "origin") < 0)
    ThrowGit("no remote 'origin'", dir_);
  RemotePtr remote(raw);
  const char* u = Git2().git_remote_url(remote.get());
  return u ? u : "";
}

void Repository::FetchAndPublish(const Check& check) {
  const Git2Library& g = Git2();
  git_remote* raw = nullptr;
  if (g.git_remote_lookup(&raw, handle_->repo, "origin") < 0) ThrowGit("no remote 'origin'", dir_);
  RemotePtr remote(raw);
  const std::string url = g.git_remote_url(remote.get());
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  // The refspecs name every tag already; following tags would write them to
  // refs/tags/, which readers see, before the check.
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  options.update_fetchhead = 0;
  options.prune = GIT_FETCH_NO_PRUNE;
  options.proxy_opts.type = GIT_PROXY_AUTO;  // http(s)_proxy and git's http.proxy
  if (g.git_remote_fetch(remote.get(), nullptr, &options, "pond: fetch") < 0)
    ThrowGit("cannot fetch", url);
  if (check) check(*this);

  // Publish: collect first, as writing refs while iterating them is undefined.
  std::vector<std::pair<std::string, git_oid>> fetched;
  git_reference_iterator* raw_it = nullptr;
  if (g.git_reference_iterator_new(&raw_it, handle_->repo) < 0) ThrowGit("cannot list refs", dir_);
  IteratorPtr it(raw_it);
  for (git_reference* r = nullptr; g.git_reference_next(&r, it.get()) == 0;) {
    ReferencePtr ref(r);
    const std::string name = g.git_reference_name(ref.get());
    const git_oid* target = g.git_reference_target(ref.get());
    if (!target) continue;
    if (name.starts_with(kFetchedHeads))
      fetched.emplace_back(kOriginHeads + name.substr(std::string_view(kFetchedHeads).size()),
                           *target);
    else if (name.starts_with(kFetchedTags))
      fetched.emplace_back(kTags + name.substr(std::string_view(kFetchedTags).size()), *target);
  }
  for (const auto& [name, target] : fetched) {
    // A ref already there is left as it is, as git's fetch leaves it: a pull with
    // nothing new writes no file.
    git_oid now;
    if (g.git_reference_name_to_id(&now, handle_->repo, name.c_str()) == 0 &&
        std::equal(std::begin(now.id), std::end(now.id), std::begin(target.id)))
      continue;
    git_reference* out = nullptr;
    if (g.git_reference_create(&out, handle_->repo, name.c_str(), &target, /*force=*/1,
                               "pond: publish") < 0)
      ThrowGit("cannot update ref", name);
    ReferencePtr done(out);
  }
}

std::optional<Commit> Repository::Resolve(const std::string& ref, Refs refs) const {
  const Git2Library& g = Git2();
  std::vector<std::string> names = PublishedRefNames(ref);
  if (refs == Refs::kFetched)
    for (std::string& n : names) n = FetchedName(n);
  ObjectPtr commit;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    git_reference* r = nullptr;
    const int rc = g.git_reference_lookup(&r, handle_->repo, name.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) continue;
    if (rc < 0) ThrowGit("cannot read ref", name);
    ReferencePtr found(r);
    git_object* peeled = nullptr;
    if (g.git_reference_peel(&peeled, found.get(), GIT_OBJECT_COMMIT) < 0)
      ThrowGit("ref does not name a commit", name);
    commit.reset(peeled);
    break;
  }
  if (!commit && IsFullObjectId(ref)) {
    const git_oid id = ParseId(ref, "ref");
    git_object* o = nullptr;
    const int rc = g.git_object_lookup(&o, handle_->repo, &id, GIT_OBJECT_ANY);
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    if (rc < 0) ThrowGit("cannot read object", ref);
    ObjectPtr object(o);
    git_object* peeled = nullptr;
    if (g.git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0)
      ThrowGit("object is not a commit", ref);
    commit.reset(peeled);
  }
  if (!commit) return std::nullopt;
  // A peeled commit object is a git_commit (libgit2's objects share one header).
  const auto* c = reinterpret_cast<const git_commit*>(commit.get());
  return Commit{Hex(g.git_object_id(commit.get())), Hex(g.git_commit_tree_id(c))};
}

std::vector<TreeEntry> Repository::ListTree(const std::string& tree_id) const {
  const Git2Library& g = Git2();
  const git_oid id = ParseId(tree_id, "tree");
  git_tree* raw = nullptr;
  if (g.git_tree_lookup(&raw, handle_->repo, &id) < 0) ThrowGit("cannot read tree", tree_id);
  TreePtr tree(raw);
  std::vector<TreeEntry> out;
  const size_t n = g.git_tree_entrycount(tree.get());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = g.git_tree_entry_byindex(tree.get(), i);
    TreeEntry entry{g.git_tree_entry_name(e), EntryKind::kBlob, Hex(g.git_tree_entry_id(e))};
    switch (g.git_tree_entry_filemode(e)) {
      case GIT_FILEMODE_TREE:
        entry.kind = EntryKind::kTree;
        break;
      case GIT_FILEMODE_LINK:
        entry.kind = EntryKind::kSymlink;
        break;
      case GIT_FILEMODE_COMMIT:
        entry.kind = EntryKind::kSubmodule;
        break;
      default:
        break;  // a file, executable or not
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string Repository::ReadBlob(const std::string& blob_id) const {
  std::string out;
  ReadBlob(blob_id, [&](std::string_view bytes) { out.assign(bytes); });
  return out;
}

void Repository::ReadBlob(const std::string& blob_id,
                          const std::function<void(std::string_view)>& sink) const {
  const Git2Library& g = Git2();
  const git_oid id = ParseId(blob_id, "blob");
  git_blob* raw = nullptr;
  if (g.git_blob_lookup(&raw, handle_->repo, &id) < 0) ThrowGit("cannot read blob", blob_id);
  BlobPtr blob(raw);
  const auto* bytes = static_cast<const char*>(g.git_blob_rawcontent(blob.get()));
  sink(std::string_view(bytes, static_cast<size_t>(g.git_blob_rawsize(blob.get()))));
}

}  // namespace pond::git
