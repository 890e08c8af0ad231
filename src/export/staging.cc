#include "export/staging.h"

#include <unistd.h>

#include <system_error>
#include <vector>

#include "base/error.h"

namespace fs = std::filesystem;

namespace pond::exporter {

Staging::Staging(const fs::path& out_dir) : out_(fs::absolute(out_dir).lexically_normal()) {
  if (out_.filename().empty()) out_ = out_.parent_path();  // "OUT/" names OUT
  dir_ = out_.parent_path() /
         ("." + out_.filename().string() + ".pond-staging-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(dir_, ec);  // a leftover of a killed run with our pid
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

}  // namespace pond::exporter
