// The staging folder of one export: OUT_PARENT/.OUTNAME.pond-staging-<pid>/ (same
// file system as OUT, so the final moves are renames). Destroyed without Commit()
// it is deleted and OUT is untouched. An export killed outright cannot delete it, so
// each new one first deletes the staging folders of OUT whose process is gone.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pond::exporter {

// Deletes the folders in `parent` named `prefix` followed by the pid of a process
// that no longer runs (or by this process's own pid): what killed runs left behind.
// Best effort: a folder that cannot be deleted stays.
void RemoveStaleStaging(const std::filesystem::path& parent, const std::string& prefix);

class Staging {
 public:
  // Creates the staging folder (and OUT's parent). Throws Error naming the folder.
  explicit Staging(const std::filesystem::path& out_dir);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // For each top-level entry E of the staging folder: move an existing OUT/E aside,
  // rename the staged E into OUT, then delete the old one. Then removes the staging
  // folder. Throws Error naming the entry if a rename fails.
  void Commit();
  // The incremental commit (manifest.h): renames each staged file `rel` (relative to
  // the staging folder and OUT) over OUT/rel, creating folders as needed, then
  // deletes OUT/rel for each of `remove` and the folders that leaves empty. Each
  // file is whole at every moment; the staging folder is removed when done. Throws
  // Error naming the file if a rename fails.
  void CommitFiles(const std::vector<std::string>& staged, const std::vector<std::string>& remove);

 private:
  std::filesystem::path out_;
  std::filesystem::path dir_;
  bool committed_ = false;
};

}  // namespace pond::exporter
