// The next OUT of one export, built beside it (docs/export.md, "All or nothing"):
// OUT_PARENT/.OUTNAME.pond-staging-<pid>/, on OUT's file system. The export writes its
// files there; Publish*() completes the tree with what stays of OUT (hard links: same
// inode, bytes and mtime), makes it durable (syncfs), and swaps it with OUT in one
// renameat2(RENAME_EXCHANGE), then removes the old tree. Before the swap OUT is the
// old tree, from it on the new one: an export killed or failing at any moment leaves
// one or the other, never a mix, to whoever reads OUT meanwhile (a web server) and to
// the next export. Every write goes through the Disk seam.
//
// Destroyed unpublished, the staging folder is deleted and OUT is untouched. An export
// killed outright cannot delete it (the new tree before the swap, the old one after),
// so each new one first deletes the staging folders of OUT whose process is gone.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/disk.h"

namespace pond::exporter {

// Deletes the folders in `parent` named `prefix` followed by the pid of a process
// that no longer runs (or by this process's own pid): what killed runs left behind.
// Best effort: a folder that cannot be deleted stays.
void RemoveStaleStaging(store::Disk& disk, const std::filesystem::path& parent,
                        const std::string& prefix);

class Staging {
 public:
  // Creates the staging folder (and OUT's parent) for OUT = `out_dir` (symlinks in
  // it resolved: the staging folder goes beside the folder it replaces). Throws Error
  // naming the folder, or OUT when it is not a directory.
  Staging(store::Disk& disk, const std::filesystem::path& out_dir);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& out() const { return out_; }

  // Publishes a first export (or --rebuild): each top-level entry staged replaces
  // OUT's entry of that name whole; OUT's other entries stay as they are.
  // Returns a warning when the tree was swapped in but what follows failed (making
  // the swap durable, deleting the old tree). Throws Error, OUT untouched, otherwise.
  std::optional<std::string> PublishEntries();
  // Publishes an incremental export: the files `kept` (relative to OUT) stay as they
  // are, the others of `written_before` (the earlier export's files) go with the
  // folders that leaves empty, and whatever else OUT holds stays, unless the export
  // now writes a file at its place. Returns and throws as PublishEntries.
  std::optional<std::string> PublishFiles(const std::vector<std::string>& kept,
                                          const std::set<std::string>& written_before);

 private:
  // Links into the staging tree each file (or symlink) below OUT/`rel` for which
  // `carry` holds, and each empty folder, unless the staging tree has something at
  // its place.
  void CarryOver(const std::filesystem::path& rel,
                 const std::function<bool(const std::string&)>& carry);
  std::optional<std::string> Swap();

  store::Disk& disk_;
  std::filesystem::path out_;
  std::filesystem::path dir_;
  bool published_ = false;
};

}  // namespace pond::exporter
