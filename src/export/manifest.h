// The export's memory (issue #16, docs/export.md "Incremental export"):
// OUT/.pond-export.json records, for every target, what each of its parts (a time
// partition, or the whole target) was computed from (its identity: View::Identity
// and the export's own options) and the files it wrote, with their metadata and what
// the file system said of each file when it was written (size, mtime, inode). A later
// export that finds the same identity and the file untouched keeps the file: not
// recomputed, not rewritten.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_set.h"
#include "store/disk.h"

namespace pond::exporter {

inline constexpr const char* kManifestName = ".pond-export.json";

// What the file system says of a file: a file replaced or edited since shows
// another inode or mtime.
struct FileStamp {
  int64_t size = -1, mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};
// nullopt when `path` is not a regular file.
std::optional<FileStamp> StampOf(const std::filesystem::path& path);

// One file of a part: its ExportSet entry (file relative to the target's folder) and
// its NULL-timestamp count (for the export's warning).
struct ManifestFile {
  ExportOutput output;
  int64_t ts_nulls = 0;
};

struct ManifestPart {
  std::string identity;
  std::vector<ManifestFile> files;  // none: the part had no rows
};

struct ManifestTarget {
  std::string pond_path;  // the match written here ("" in manifests from before it)
  std::string context;    // the node, its schema and the export's options, hashed
  std::map<std::string, ManifestPart> parts;  // by partition folder; "" the whole target
};

class Manifest {
 public:
  // OUT's manifest; an empty one (loaded() false) when it is missing, unreadable, or
  // names a path that is not plainly inside OUT (`..`, absolute): then nothing of it
  // is trusted, and the export writes everything as a first export does.
  static Manifest Load(const std::filesystem::path& out_dir);

  bool loaded() const { return loaded_; }
  // Targets by their folder (or file) relative to OUT.
  std::map<std::string, ManifestTarget> targets;
  // Every file the export wrote, relative to OUT, with its stamp.
  std::map<std::string, FileStamp> files;

  // Whether `rel` (relative to OUT) is still the file this manifest recorded.
  bool Intact(const std::filesystem::path& out_dir, const std::string& rel) const;

  // The manifest as its file holds it: one line of JSON.
  std::string Text() const;
  // Whether OUT's manifest file, when loaded, was `text` byte for byte.
  bool Was(const std::string& text) const { return loaded_ && text == text_; }
  // Writes `text` (Text()) as `dir/.pond-export.json` through `disk`: into the staging
  // tree, which Staging makes durable and swaps in whole with the files it vouches for.
  static void Save(store::Disk& disk, const std::filesystem::path& dir, const std::string& text);

 private:
  bool loaded_ = false;
  std::string text_;  // as loaded
};

}  // namespace pond::exporter
