#include "export/staging.h"

#include <signal.h>
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

}  // namespace

void RemoveStaleStaging(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    pid_t pid = 0;
    const char* digits = name.data() + prefix.size();
    auto [ptr, err] = std::from_chars(digits, name.data() + name.size(), pid);
    if (err != std::errc() || ptr != name.data() + name.size() || pid <= 0) continue;
    if (pid != ::getpid() && !Dead(pid)) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);  // best effort: a folder we cannot delete stays
  }
}

Staging::Staging(const fs::path& out_dir) : out_(fs::absolute(out_dir).lexically_normal()) {
  if (out_.filename().empty()) out_ = out_.parent_path();  // "OUT/" names OUT
  const std::string prefix = "." + out_.filename().string() + ".pond-staging-";
  dir_ = out_.parent_path() / (prefix + std::to_string(getpid()));
  std::error_code ec;
  RemoveStaleStaging(out_.parent_path(), prefix);  // this pid's own leftover included
  fs::create_directories(dir_, ec);
  if (ec) throw Error("cannot create staging folder: " + ec.message(), dir_.string());
}

Staging::~Staging() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Staging::Commit() {
  std::error_code ec;
  fs::create_directories(out_, ec);
  if (ec) throw Error("cannot create output folder: " + ec.message(), out_.string());
  const fs::path aside = dir_ / ".replaced";
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir_)) entries.push_back(e.path().filename());
  for (const auto& name : entries) {
    if (name == ".replaced") continue;
    fs::path target = out_ / name;
    if (fs::exists(fs::symlink_status(target))) {
      fs::create_directories(aside);
      fs::rename(target, aside / name, ec);
      if (ec) throw Error("cannot move aside: " + ec.message(), target.string());
    }
    fs::rename(dir_ / name, target, ec);
    if (ec) throw Error("cannot move into place: " + ec.message(), target.string());
  }
  committed_ = true;
  fs::remove_all(dir_, ec);
}

void Staging::CommitFiles(const std::vector<std::string>& staged,
                          const std::vector<std::string>& remove) {
  std::error_code ec;
  for (const auto& rel : staged) {
    const fs::path target = out_ / rel;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw Error("cannot create output folder: " + ec.message(), target.parent_path().string());
    fs::rename(dir_ / rel, target, ec);
    if (ec) throw Error("cannot move into place: " + ec.message(), target.string());
  }
  for (const auto& rel : remove) {
    fs::path target = out_ / rel;
    fs::remove(target, ec);
    // Folders the removal emptied go too, up to OUT.
    for (fs::path dir = target.parent_path(); dir != out_ && dir.string().starts_with(out_.string());
         dir = dir.parent_path())
      if (!fs::remove(dir, ec)) break;  // not empty (or gone): stop
  }
  committed_ = true;
  fs::remove_all(dir_, ec);
}

}  // namespace pond::exporter
