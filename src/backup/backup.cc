#include "backup/backup.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "store/blob_store.h"

namespace pond::backup {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLatest = "latest";

std::string CatalogKey(int64_t seq) { return fmt::format("snapshots/{}.sqlite", seq); }
std::string ManifestKey(int64_t seq) { return fmt::format("snapshots/{}.json", seq); }

// A private host directory for downloads and the catalog copy, removed with its
// contents on destruction: never inside the pond, which a push only reads.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/pond-backup-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
      throw Error("cannot create a temporary directory", pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// `blobs/ab/<hash>.parquet` → <hash>.
std::string HashOf(const std::string& rel) {
  std::string name = fs::path(rel).filename().string();
  return name.substr(0, name.find('.'));
}

struct Latest {
  int64_t seq = 0;
  std::string catalog_sha256;
  int64_t catalog_size = 0;
};

// Snapshot `seq` as its manifest describes it.
Latest ReadSnapshot(ObjectStore& store, int64_t seq) {
  Latest l;
  l.seq = seq;
  std::optional<std::string> manifest = store.GetBytes(ManifestKey(l.seq));
  if (!manifest)
    throw Error("'latest' names snapshot " + std::to_string(l.seq) + ", whose manifest is missing",
                store.url());
  try {
    auto j = nlohmann::json::parse(*manifest);
    l.catalog_sha256 = j.at("catalog").at("sha256").get<std::string>();
    l.catalog_size = j.at("catalog").at("size").get<int64_t>();
  } catch (const std::exception& e) {
    throw Error("malformed manifest " + ManifestKey(l.seq) + ": " + e.what(), store.url());
  }
  return l;
}

// The snapshot `latest` names and its manifest; nullopt when the backup has none.
std::optional<Latest> ReadLatest(ObjectStore& store) {
  std::optional<std::string> text = store.GetBytes(kLatest);
  if (!text) return std::nullopt;
  int64_t seq = 0;
  try {
    seq = std::stoll(*text);
  } catch (const std::exception&) {
    throw Error("malformed 'latest' object: " + text->substr(0, 40), store.url());
  }
  return ReadSnapshot(store, seq);
}

Latest RequireLatest(ObjectStore& store) {
  std::optional<Latest> l = ReadLatest(store);
  if (!l) throw Error("no snapshot in this backup (nothing pushed yet?)", store.url());
  return *l;
}

// Downloads the snapshot's catalog into `path` and checks its sha256.
void FetchCatalog(ObjectStore& store, const Latest& l, const std::string& path) {
  if (!store.GetFile(CatalogKey(l.seq), path))
    throw Error("missing " + CatalogKey(l.seq), store.url());
  const std::string actual = store::Sha256OfFile(path);
  if (actual != l.catalog_sha256)
    throw Error(fmt::format("corrupt {} (sha256 {}, manifest says {})", CatalogKey(l.seq), actual,
                            l.catalog_sha256),
                store.url());
}

}  // namespace

PushStats Push(const store::Pond& pond, ObjectStore& target) {
  PushStats stats;
  stats.seq = pond.last_seq();
  const std::vector<std::string> files = pond.NeededBlobFiles();
  stats.blobs = static_cast<int64_t>(files.size());
  const std::map<std::string, int64_t> present = target.List("blobs/");
  const std::optional<Latest> latest = ReadLatest(target);
  // Moving `latest` back would hide newer history: another pond pushes here.
  if (latest && latest->seq > stats.seq)
    throw Error(fmt::format("the backup holds transaction {}, newer than this pond's last ({}): "
                            "is another pond pushed to this URL?",
                            latest->seq, stats.seq),
                target.url());
  for (const std::string& rel : files) {
    const std::string path = pond.dir() + "/" + rel;
    std::error_code ec;
    const auto size = static_cast<int64_t>(fs::file_size(path, ec));
    if (ec) throw Error("blob " + rel + " is missing from the pond; run 'pond check'", pond.dir());
    if (auto it = present.find(rel); it != present.end() && it->second == size) continue;
    spdlog::debug("backup: upload {} ({} bytes) to {}", rel, size, target.url());
    target.PutFile(rel, path, HashOf(rel));
    ++stats.uploaded;
    stats.uploaded_bytes += size;
  }
  // The snapshot goes after every blob it needs, and `latest` after the snapshot.
  if (latest && latest->seq == stats.seq) return stats;
  ScratchDir scratch;
  const std::string copy = scratch / "catalog.sqlite";
  pond.CopyCatalog(copy);
  const std::string sha = store::Sha256OfFile(copy);
  const auto size = static_cast<int64_t>(fs::file_size(copy));
  target.PutFile(CatalogKey(stats.seq), copy, sha);
  nlohmann::ordered_json manifest{
      {"format", 1},
      {"seq", stats.seq},
      {"catalog", {{"key", CatalogKey(stats.seq)}, {"sha256", sha}, {"size", size}}},
      {"blobs", stats.blobs}};
  target.PutBytes(ManifestKey(stats.seq), manifest.dump(2) + "\n");
  target.PutBytes(kLatest, std::to_string(stats.seq) + "\n");
  stats.snapshot_uploaded = true;
  return stats;
}

VerifyReport Verify(ObjectStore& source) {
  VerifyReport report;
  const Latest latest = RequireLatest(source);
  report.seq = latest.seq;
  ScratchDir scratch;
  const std::string catalog = scratch / "catalog.sqlite";
  FetchCatalog(source, latest, catalog);
  ++report.objects;
  const std::string blob = scratch / "blob";
  for (const std::string& rel : store::CatalogBlobFiles(catalog)) {
    ++report.objects;
    if (!source.GetFile(rel, blob)) {
      report.problems.push_back("missing " + rel);
      continue;
    }
    const std::string actual = store::Sha256OfFile(blob);
    if (actual != HashOf(rel))
      report.problems.push_back("corrupt " + rel + " (sha256 " + actual + ")");
    std::error_code ec;
    fs::remove(blob, ec);
  }
  return report;
}

store::RestoreStats Restore(ObjectStore& source, const std::string& dir) {
  const Latest latest = RequireLatest(source);
  try {
    return store::RestorePond(
        dir, [&](const std::string& tmp) { FetchCatalog(source, latest, tmp); },
        [&](const std::string& rel, const std::string& tmp) {
          if (!source.GetFile(rel, tmp)) throw Error("missing " + rel, source.url());
        });
  } catch (const store::BlobError& e) {
    throw Error(e.message(), source.url());  // a download with other bytes
  }
}

store::CatalogRepair RepairCatalog(ObjectStore& source, const std::string& dir) {
  // Newest first: every manifest listed, `latest` among them.
  std::vector<int64_t> seqs;
  for (const auto& [key, size] : source.List("snapshots/")) {
    const std::string name = fs::path(key).filename().string();
    if (name.size() > 5 && name.ends_with(".json")) {
      try {
        seqs.push_back(std::stoll(name.substr(0, name.size() - 5)));
      } catch (const std::exception&) {
      }
    }
  }
  std::sort(seqs.rbegin(), seqs.rend());
  std::string why = "no snapshot in this backup (nothing pushed yet?)";
  for (const int64_t seq : seqs) {
    try {
      const Latest snapshot = ReadSnapshot(source, seq);
      return store::ReplaceCatalog(
          dir, [&](const std::string& tmp) { FetchCatalog(source, snapshot, tmp); },
          [&](const std::string& rel, const std::string& tmp) {
            if (!source.GetFile(rel, tmp)) throw Error("missing " + rel, source.url());
          });
    } catch (const Error& e) {
      spdlog::warn("snapshot {} does not verify: {}", seq, e.what());
      why = fmt::format("snapshot {} does not verify: {}", seq, e.what());
    }
  }
  throw Error("no snapshot to repair the catalog from: " + why, source.url());
}

}  // namespace pond::backup
