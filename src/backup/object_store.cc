#include "backup/object_store.h"

#include <filesystem>
#include <functional>
#include <random>
#include <string_view>

#include "backup/stores.h"
#include "base/error.h"
#include "store/blob_store.h"
#include "store/disk.h"

namespace pond::backup {

namespace fs = std::filesystem;

namespace {

struct ParsedUrl {
  std::string scheme;  // "s3" or "file"
  std::string bucket;  // s3
  std::string path;    // s3: the prefix, "" or ending in '/'; file: the absolute dir
};

ParsedUrl Parse(const std::string& url) {
  ParsedUrl p;
  if (url.find_first_of("?#") != std::string::npos)
    throw Error("a backup URL has no query or fragment", url);
  if (url.starts_with("s3://")) {
    p.scheme = "s3";
    const std::string rest = url.substr(5);
    const size_t slash = rest.find('/');
    p.bucket = rest.substr(0, slash);
    if (p.bucket.empty()) throw Error("no bucket in backup URL (s3://BUCKET/PREFIX)", url);
    // Credentials come from the environment only: a URL is stored in the pond.
    if (p.bucket.find_first_of("@:") != std::string::npos)
      throw Error(
          "credentials do not belong in a backup URL: set AWS_ACCESS_KEY_ID and "
          "AWS_SECRET_ACCESS_KEY",
          "s3://…");
    if (slash != std::string::npos) p.path = rest.substr(slash + 1);
    while (p.path.starts_with("/")) p.path.erase(0, 1);
    if (!p.path.empty() && !p.path.ends_with("/")) p.path += "/";
    return p;
  }
  if (url.starts_with("file://")) {
    p.scheme = "file";
    p.path = url.substr(7);
    if (!p.path.starts_with("/"))
      throw Error("a file backup URL names an absolute directory (file:///ABSOLUTE/DIR)", url);
    while (p.path.size() > 1 && p.path.ends_with("/")) p.path.pop_back();
    return p;
  }
  throw Error("unsupported backup URL: use s3://BUCKET/PREFIX or file:///ABSOLUTE/DIR", url);
}

// --- file:// ------------------------------------------------------------------

class FileStore : public ObjectStore {
 public:
  FileStore(std::string url, std::string root) : url_(std::move(url)), root_(std::move(root)) {}

  void PutFile(const std::string& key, const std::string& host_path,
               const std::string& sha256) override {
    PutVia(key, [&](const std::string& tmp) {
      if (!CopyFile(host_path, tmp)) throw Error("cannot read file", host_path);
      // The copy is what the backup keeps: its bytes are the ones checked.
      if (store::Sha256OfFile(tmp) != sha256)
        throw Error("bytes of " + key + " do not match their sha256; run 'pond check'", host_path);
    });
  }

  void PutBytes(const std::string& key, const std::string& bytes) override {
    PutVia(key, [&](const std::string& tmp) { disk().WriteFile(tmp, bytes); });
  }

  bool GetFile(const std::string& key, const std::string& host_path) override {
    return CopyFile(PathOf(key), host_path);
  }

  std::optional<std::string> GetBytes(const std::string& key) override {
    std::string bytes;
    if (!store::ReadFileChunks(PathOf(key), [&](std::string_view chunk) { bytes.append(chunk); }))
      return std::nullopt;
    return bytes;
  }

  std::map<std::string, int64_t> List(const std::string& prefix) override {
    std::map<std::string, int64_t> out;
    std::error_code ec;
    if (!fs::exists(root_, ec)) return out;
    if (!fs::is_directory(root_, ec)) throw Error("not a directory", root_);
    const fs::path start = fs::path(root_) / prefix;
    if (!fs::exists(start.parent_path(), ec)) return out;
    for (auto it = fs::recursive_directory_iterator(start.parent_path(), ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = fs::relative(it->path(), root_, ec).string();
      if (key.starts_with(prefix)) out[key] = static_cast<int64_t>(it->file_size(ec));
    }
    if (ec) throw Error("cannot list: " + ec.message(), root_);
    return out;
  }

  const std::string& url() const override { return url_; }

 private:
  static store::Disk& disk() { return store::RealDisk(); }
  std::string PathOf(const std::string& key) const { return root_ + "/" + key; }

  std::string NewTemp() {
    disk().MakeDirs(root_ + "/tmp");
    static std::mt19937_64 rng{std::random_device{}()};
    return root_ + "/tmp/" + std::to_string(rng());
  }

  // `to` with the bytes of `from`, in chunks; false when `from` cannot be read.
  static bool CopyFile(const std::string& from, const std::string& to) {
    store::FileWriter out(to);
    if (!store::ReadFileChunks(from, [&](std::string_view chunk) { out.Write(chunk); }))
      return false;
    out.Close();
    return true;
  }

  // A temporary file that `fill` writes, then placed at `key`; removed on failure.
  void PutVia(const std::string& key, const std::function<void(const std::string&)>& fill) {
    const std::string tmp = NewTemp();
    try {
      fill(tmp);
      Place(tmp, key);
    } catch (...) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw;
    }
  }

  // fsync, rename, fsync the directory: the key holds whole bytes or nothing new.
  void Place(const std::string& tmp, const std::string& key) {
    const std::string path = PathOf(key);
    const std::string dir = fs::path(path).parent_path().string();
    disk().Fsync(tmp);
    disk().MakeDirs(dir);
    disk().Rename(tmp, path);
    disk().Fsync(dir);
  }

  std::string url_, root_;
};

}  // namespace

void ValidateUrl(const std::string& url) { Parse(url); }

std::unique_ptr<ObjectStore> OpenFileStore(const std::string& url, const std::string& root) {
  return std::make_unique<FileStore>(url, root);
}

std::unique_ptr<ObjectStore> OpenObjectStore(const std::string& url) {
  ParsedUrl p = Parse(url);
  if (p.scheme == "s3") return OpenS3Store(url, p.bucket, p.path);
  return OpenFileStore(url, p.path);
}

}  // namespace pond::backup
