// The next OUT of one export, built beside it (docs/export.md, "All or nothing"), in
// OUT_PARENT/.OUTNAME.pond-staging-<pid>/, on OUT's file system:
//   tree/   the next OUT: the tree before the last export (OUT_PARENT/.OUTNAME.pond-spare/,
//           when there is one) brought to what OUT must become
//   new/    the files this export writes (dir()), beside a spare; without one, the
//           export writes straight into tree/
// Publish*() decides what the next OUT holds: the new files, and what stays of OUT
// (hard links: the same inode, bytes and mtime). It brings tree/ to exactly that,
// touching only what differs (a spare shares the inodes of every file unchanged since,
// so a refresh costs what changed, not what OUT holds), makes it durable (syncfs) and
// swaps it with OUT in one renameat2(RENAME_EXCHANGE). The old OUT then becomes the
// spare. No inode is ever written into: OUT is the old tree until the swap, the new
// one from it on, so an export killed or failing at any moment leaves one or the
// other, never a mix, to whoever reads OUT meanwhile (a web server) and to the next
// export. Every write goes through the Disk seam.
//
// Destroyed unpublished, the staging folder is deleted (its tree/ going back to be the
// spare) and OUT is untouched. An export killed outright cannot delete it, so each new
// one first deletes the staging folders of OUT whose process is gone.
#pragma once

#include <filesystem>
#include <map>
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
  // it resolved: the staging folder goes beside the folder it replaces), taking OUT's
  // spare as its tree. Throws Error naming the folder, or OUT when it is not a
  // directory.
  Staging(store::Disk& disk, const std::filesystem::path& out_dir);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // Where the export writes its files, at their paths relative to OUT.
  const std::filesystem::path& dir() const { return new_; }
  const std::filesystem::path& out() const { return out_; }

  // Publishes a first export (or --rebuild): each top-level entry written replaces
  // OUT's entry of that name whole; OUT's other entries stay as they are.
  // Returns a warning when the tree was swapped in but what follows failed (making
  // the swap durable, keeping the old tree as the spare). Throws Error, OUT untouched,
  // otherwise.
  std::optional<std::string> PublishEntries();
  // Publishes an incremental export: the files `kept` (relative to OUT) stay as they
  // are, the others of `written_before` (the earlier export's files) go with the
  // folders that leaves empty, and whatever else OUT holds stays, unless the export
  // now writes a file at its place. Returns and throws as PublishEntries.
  std::optional<std::string> PublishFiles(const std::vector<std::string>& kept,
                                          const std::set<std::string>& written_before);

 private:
  // What the next OUT holds at a path: a folder, a file written into new/, or an entry
  // of OUT (a file or symlink) that stays.
  enum class Source { kFolder, kNew, kOut };
  using Plan = std::map<std::string, Source>;
  void PlanNew(Plan& plan) const;
  // Adds the entries below OUT/`rel` for which `stays` holds (and every empty folder)
  // unless the plan has something at their place.
  template <class Stays>
  void PlanStaying(const std::filesystem::path& rel, const Stays& stays, Plan& plan) const;
  // Brings tree/ to `plan`, then swaps it with OUT.
  std::optional<std::string> Publish(const Plan& plan);
  // Gives the spare back and deletes the staging folder (best effort).
  void Discard();

  store::Disk& disk_;
  std::filesystem::path out_;
  std::filesystem::path dir_;    // the staging folder
  std::filesystem::path new_;    // dir_/new, or tree_
  std::filesystem::path tree_;   // dir_/tree
  std::filesystem::path spare_;  // OUT_PARENT/.OUTNAME.pond-spare
  bool adopted_ = false;         // tree_ was the spare
  bool published_ = false;
};

}  // namespace pond::exporter
