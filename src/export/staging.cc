#include "export/staging.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>
#include <vector>

#include "base/error.h"

namespace fs = std::filesystem;

namespace pond::exporter {

namespace {

// Whether process `pid` is gone: kill(pid, 0) fails with ESRCH. A process of another
// user (EPERM) counts as alive.
bool Dead(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Whether anything is at `path`, a symlink or a file that a folder of it is included
// (a file where a folder would be: ENOTDIR).
bool Taken(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 || errno == ENOTDIR;
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
  const std::string prefix = "." + out_.filename().string() + ".pond-staging-";
  dir_ = out_.parent_path() / (prefix + std::to_string(getpid()));
  RemoveStaleStaging(disk_, out_.parent_path(), prefix);  // this pid's own leftover included
  // Made durable with the tree it will hold, by Swap().
  disk_.MakeDirsUnsynced(dir_.string());
}

Staging::~Staging() {
  if (published_) return;
  try {
    disk_.Remove(dir_.string());
  } catch (const std::exception& e) {
    spdlog::debug("{}", e.what());  // the next export deletes it
  }
}

void Staging::CarryOver(const fs::path& rel, const std::function<bool(const std::string&)>& carry) {
  bool empty = true;
  std::error_code ec;
  for (fs::directory_iterator it(out_ / rel, ec), end; !ec && it != end; it.increment(ec)) {
    empty = false;
    const fs::path r = rel / it->path().filename();
    if (it->symlink_status(ec).type() == fs::file_type::directory) {
      CarryOver(r, carry);
    } else if (carry(r.string()) && !Taken(dir_ / r)) {
      if (!fs::is_directory(dir_ / rel)) disk_.MakeDirsUnsynced((dir_ / rel).string());
      disk_.Link((out_ / r).string(), (dir_ / r).string());
    }
  }
  if (ec) throw Error("cannot list: " + ec.message(), (out_ / rel).string());
  // A folder someone left empty stays; one the export emptied does not.
  if (empty && !rel.empty() && !Taken(dir_ / rel)) disk_.MakeDirsUnsynced((dir_ / rel).string());
}

std::optional<std::string> Staging::PublishEntries() {
  std::error_code ec;
  for (fs::directory_iterator it(out_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path name = it->path().filename();
    if (Taken(dir_ / name)) continue;  // replaced whole
    if (it->symlink_status(ec).type() == fs::file_type::directory)
      CarryOver(name, [](const std::string&) { return true; });
    else
      disk_.Link(it->path().string(), (dir_ / name).string());
  }
  return Swap();
}

std::optional<std::string> Staging::PublishFiles(const std::vector<std::string>& kept,
                                                 const std::set<std::string>& written_before) {
  const std::set<std::string> keep(kept.begin(), kept.end());
  if (fs::exists(out_))
    CarryOver("", [&](const std::string& rel) {
      return keep.contains(rel) || !written_before.contains(rel);
    });
  return Swap();
}

std::optional<std::string> Staging::Swap() {
  // Everything staged reaches the disk before OUT names it: one syncfs, not an fsync
  // a file (a first export writes thousands).
  disk_.SyncFileSystem(dir_.string());
  struct stat st {};
  if (::lstat(out_.c_str(), &st) == 0)
    disk_.Exchange(dir_.string(), out_.string());
  else
    disk_.Rename(dir_.string(), out_.string());
  published_ = true;
  // OUT is the new tree: what fails from here is worth a warning, not a failure.
  try {
    disk_.Fsync(out_.parent_path().string());
    disk_.Remove(dir_.string());  // the old tree, if any
  } catch (const std::exception& e) {
    return std::string("export published, but: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace pond::exporter
