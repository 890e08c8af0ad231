#include "export/staging.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>
#include <utility>
#include <vector>

#include "base/error.h"

namespace fs = std::filesystem;

namespace pond::exporter {

namespace {

// Whether process `pid` is gone: kill(pid, 0) fails with ESRCH. A process of another
// user (EPERM) counts as alive.
bool Dead(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

bool IsFolder(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() == fs::file_type::directory;
}

bool Exists(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Whether two paths name the same inode (a symlink itself, not what it names).
bool SameInode(const fs::path& a, const fs::path& b) {
  struct stat sa {
  }, sb{};
  return ::lstat(a.c_str(), &sa) == 0 && ::lstat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// The folder entries the plan needs above `rel`.
template <class Plan, class Source>
void AddParents(Plan& plan, const fs::path& rel, Source folder) {
  for (fs::path p = rel.parent_path(); !p.empty(); p = p.parent_path())
    if (!plan.emplace(p.string(), folder).second) break;  // and so are its own parents
}

}  // namespace

void RemoveStaleStaging(store::Disk& disk, const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    pid_t pid = 0;
    const char* digits = name.data() + prefix.size();
    auto [ptr, err] = std::from_chars(digits, name.data() + name.size(), pid);
    if (err != std::errc() || ptr != name.data() + name.size() || pid <= 0) continue;
    if (pid != ::getpid() && !Dead(pid)) continue;
    stale.push_back(it->path());
  }
  for (const auto& path : stale) {
    try {
      disk.Remove(path.string());
    } catch (const std::exception& e) {
      spdlog::debug("{}", e.what());  // a folder we cannot delete stays
    }
  }
}

Staging::Staging(store::Disk& disk, const fs::path& out_dir)
    : disk_(disk), out_(fs::weakly_canonical(fs::absolute(out_dir))) {
  if (out_.filename().empty()) out_ = out_.parent_path();  // "OUT/" names OUT
  // A symlink to / (the caller refuses `--dir /` itself) cannot be swapped away.
  if (!out_.has_relative_path())
    throw Error("refusing to export into the root directory", out_dir.string());
  std::error_code ec;
  if (fs::exists(out_, ec) && !fs::is_directory(out_, ec))
    throw Error("the output directory is not a directory", out_.string());
  const std::string name = out_.filename().string();
  const std::string prefix = "." + name + ".pond-staging-";
  dir_ = out_.parent_path() / (prefix + std::to_string(getpid()));
  new_ = dir_ / "new";
  tree_ = dir_ / "tree";
  spare_ = out_.parent_path() / ("." + name + ".pond-spare");
  RemoveStaleStaging(disk_, out_.parent_path(), prefix);  // this pid's own leftover included
  // Made durable with the tree, by Publish().
  disk_.MakeDirsUnsynced(dir_.string());
  try {
    if (IsFolder(spare_)) {
      try {
        disk_.Rename(spare_.string(), tree_.string());
      } catch (const Error&) {
        if (Exists(spare_)) throw;  // else another export took it first
      }
    }
    adopted_ = IsFolder(tree_);
    // New files go beside a spare's, into a fresh tree directly.
    new_ = adopted_ ? dir_ / "new" : tree_;
    disk_.MakeDirsUnsynced(new_.string());
  } catch (const std::exception&) {
    Discard();
    throw;
  }
}

Staging::~Staging() {
  if (!published_) Discard();
}

void Staging::Discard() {
  try {
    // The spare goes back, whatever was done to it: only a base to build the next on.
    if (adopted_ && !Exists(spare_)) disk_.Rename(tree_.string(), spare_.string());
  } catch (const std::exception& e) {
    spdlog::debug("{}", e.what());
  }
  try {
    disk_.Remove(dir_.string());
  } catch (const std::exception& e) {
    spdlog::debug("{}", e.what());  // the next export deletes it
  }
}

void Staging::PlanNew(Plan& plan) const {
  for (auto it = fs::recursive_directory_iterator(new_); it != fs::recursive_directory_iterator();
       ++it)
    plan[it->path().lexically_relative(new_).string()] =
        it->symlink_status().type() == fs::file_type::directory ? Source::kFolder : Source::kNew;
}

template <class Stays>
void Staging::PlanStaying(const fs::path& rel, const Stays& stays, Plan& plan) const {
  // Whether the plan has something else at `key` or a file where a folder of it is.
  auto taken = [&](const fs::path& key, bool folder) {
    auto at = plan.find(key.string());
    if (at != plan.end() && !(folder && at->second == Source::kFolder)) return true;
    for (fs::path p = key.parent_path(); !p.empty(); p = p.parent_path())
      if (auto up = plan.find(p.string()); up != plan.end() && up->second != Source::kFolder)
        return true;
    return false;
  };
  bool empty = true;
  std::error_code ec;
  for (fs::directory_iterator it(out_ / rel, ec), end; !ec && it != end; it.increment(ec)) {
    empty = false;
    const fs::path r = rel / it->path().filename();
    const bool folder = it->symlink_status(ec).type() == fs::file_type::directory;
    if (taken(r, folder)) continue;
    if (folder) {
      PlanStaying(r, stays, plan);
    } else if (stays(r.string())) {
      plan[r.string()] = Source::kOut;
      AddParents(plan, r, Source::kFolder);
    }
  }
  if (ec) throw Error("cannot list: " + ec.message(), (out_ / rel).string());
  // A folder someone left empty stays; one the export emptied does not.
  if (empty && !rel.empty() && !taken(rel, true)) {
    plan[rel.string()] = Source::kFolder;
    AddParents(plan, rel, Source::kFolder);
  }
}

std::optional<std::string> Staging::PublishEntries() {
  Plan plan;
  PlanNew(plan);
  std::error_code ec;
  for (fs::directory_iterator it(out_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (plan.contains(name)) continue;  // replaced whole
    if (it->symlink_status(ec).type() == fs::file_type::directory)
      PlanStaying(
          name, [](const std::string&) { return true; }, plan);
    else
      plan[name] = Source::kOut;
  }
  return Publish(plan);
}

std::optional<std::string> Staging::PublishFiles(const std::vector<std::string>& kept,
                                                 const std::set<std::string>& written_before) {
  const std::set<std::string> keep(kept.begin(), kept.end());
  Plan plan;
  PlanNew(plan);
  PlanStaying(
      "",
      [&](const std::string& rel) { return keep.contains(rel) || !written_before.contains(rel); },
      plan);
  return Publish(plan);
}

std::optional<std::string> Staging::Publish(const Plan& plan) {
  // What the tree holds that the plan does not, or holds otherwise, goes: another kind
  // of entry, or an entry of OUT that is not the very inode OUT has.
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(tree_); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string rel = it->path().lexically_relative(tree_).string();
    const bool folder = it->symlink_status().type() == fs::file_type::directory;
    const auto at = plan.find(rel);
    const bool keep = at != plan.end() && folder == (at->second == Source::kFolder) &&
                      (at->second != Source::kOut || SameInode(it->path(), out_ / rel));
    if (keep) continue;
    doomed.push_back(it->path());
    if (folder) it.disable_recursion_pending();
  }
  for (const auto& path : doomed) disk_.Remove(path.string());
  // What the plan holds that the tree lacks comes, folders before what they hold (a
  // path sorts after its folder's). New files are moved in, over what was there.
  for (const auto& [rel, source] : plan) {
    const fs::path at = tree_ / rel;
    switch (source) {
      case Source::kFolder:
        if (!IsFolder(at)) disk_.MakeDirsUnsynced(at.string());
        break;
      case Source::kNew:
        if (new_ != tree_) disk_.Rename((new_ / rel).string(), at.string());
        break;
      case Source::kOut:
        if (!Exists(at)) disk_.Link((out_ / rel).string(), at.string());
        break;
    }
  }

  // Everything in the tree reaches the disk before OUT names it: one syncfs, not an
  // fsync a file (a first export writes thousands).
  disk_.SyncFileSystem(tree_.string());
  const bool had_out = Exists(out_);
  if (had_out)
    disk_.Exchange(tree_.string(), out_.string());
  else
    disk_.Rename(tree_.string(), out_.string());
  published_ = true;
  // OUT is the new tree: what fails from here is worth a warning, not a failure.
  try {
    disk_.Fsync(out_.parent_path().string());
    // The old tree is the spare the next export starts from (the files it shares with
    // OUT are what that export keeps).
    if (had_out) {
      if (Exists(spare_)) disk_.Remove(spare_.string());
      disk_.Rename(tree_.string(), spare_.string());
    }
    disk_.Remove(dir_.string());
  } catch (const std::exception& e) {
    return std::string("export published, but: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace pond::exporter
