#include "store/result_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "base/error.h"
#include "base/time.h"
#include "store/blob_store.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExtension = ".parquet";

// `<key>.<sha256>.parquet` → key and hash; false for any other name.
bool SplitName(const std::string& name, std::string& key, std::string& hash) {
  if (name.size() < 64 + 1 + 64 + 8 || !name.ends_with(kExtension)) return false;
  const std::string stem = name.substr(0, name.size() - 8);
  const size_t dot = stem.rfind('.');
  if (dot == std::string::npos || stem.size() - dot - 1 != 64) return false;
  key = stem.substr(0, dot);
  hash = stem.substr(dot + 1);
  return !key.empty();
}

constexpr const char* kEmptyExtension = ".empty";

// `<sha256>.empty` → hash; false for any other name.
bool EmptyListName(const std::string& name, std::string& hash) {
  if (name.size() != 64 + 6 || !name.ends_with(kEmptyExtension)) return false;
  hash = name.substr(0, 64);
  return true;
}

std::string RandomName() {
  std::random_device rd;
  return fmt::format("{:016x}{:08x}", (uint64_t{rd()} << 32) | rd(), rd());
}

void MarkUsed(const std::string& path) {
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
}

}  // namespace

bool ResultCache::Enabled() {
  const char* v = std::getenv("POND_CACHE");
  return v == nullptr || std::string(v) != "off";
}

std::map<std::string, std::vector<std::string>>& ResultCache::Listing(const std::string& kind) {
  auto [it, fresh] = listings_.try_emplace(kind);
  if (!fresh) return it->second;
  std::error_code ec;
  for (fs::directory_iterator d(fs::path(dir_) / "cache" / kind, ec), end; !ec && d != end;
       d.increment(ec)) {
    std::string key, hash;
    const std::string name = d->path().filename().string();
    if (SplitName(name, key, hash)) {
      it->second[key].push_back(name);
    } else if (EmptyListName(name, hash)) {
      // Its keys, one a line; Find checks the bytes before any of them is trusted.
      std::ifstream in(d->path());
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) it->second[line].push_back(name);
    }
  }
  return it->second;
}

std::optional<std::string> ResultCache::Find(const std::string& kind, const std::string& key) {
  auto& listing = Listing(kind);
  auto it = listing.find(key);
  if (it != listing.end()) {
    for (auto name = it->second.begin(); name != it->second.end();) {
      const std::string path = (fs::path(dir_) / "cache" / kind / *name).string();
      if (verified_.contains(path)) {
        ++stats_.hits;
        return path;
      }
      std::string k, hash;
      if (!SplitName(*name, k, hash)) EmptyListName(*name, hash);
      std::string actual;
      try {
        actual = Sha256OfFile(path);
      } catch (const Error& e) {
        actual = e.what();
      }
      if (actual == hash) {
        ++stats_.hits;
        verified_.insert(path);
        MarkUsed(path);
        return path;
      }
      // Damaged or gone: the reader recomputes; another reader would find the same.
      spdlog::debug("cache: {} is damaged, recomputing", path);
      ++stats_.damaged;
      std::error_code ec;
      fs::remove(path, ec);
      name = it->second.erase(name);
    }
  }
  ++stats_.misses;
  return std::nullopt;
}

std::optional<std::string> ResultCache::Put(engine::Connection& con, const std::string& kind,
                                            const std::string& key, const std::string& select) {
  const fs::path tmp_dir = fs::path(dir_) / "cache" / "tmp";
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = tmp_dir / (RandomName() + kExtension);
  try {
    std::error_code ec;
    fs::create_directories(tmp_dir, ec);
    if (!ec) fs::create_directories(kind_dir, ec);
    if (ec) throw Error("cannot create " + kind_dir.string() + ": " + ec.message());
    con.Execute("COPY (" + select + ") TO " + engine::QuoteLiteral(tmp.string()) +
                " (FORMAT parquet)");
    const std::string name = key + "." + Sha256OfFile(tmp.string()) + kExtension;
    const fs::path path = kind_dir / name;
    fs::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename into " + path.string() + ": " + ec.message());
    Listing(kind)[key].push_back(name);
    verified_.insert(path.string());
    ++stats_.written;
    return path.string();
  } catch (const std::exception& e) {
    spdlog::debug("cache: not written ({}): {}", kind, e.what());
    ++stats_.failed;
    std::error_code ec;
    fs::remove(tmp, ec);
    return std::nullopt;
  }
}

ResultCache::Partitioned ResultCache::PutPartitioned(engine::Connection& con,
                                                     const std::string& kind,
                                                     const std::string& select,
                                                     const std::string& part,
                                                     const std::map<int64_t, std::string>& keys) {
  Partitioned out;
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = fs::path(dir_) / "cache" / "tmp" / RandomName();
  try {
    std::error_code ec;
    fs::create_directories(tmp.parent_path(), ec);
    if (!ec) fs::create_directories(kind_dir, ec);
    if (ec) throw Error("cannot create " + kind_dir.string() + ": " + ec.message());
    con.Execute("COPY (" + select + ") TO " + engine::QuoteLiteral(tmp.string()) +
                " (FORMAT parquet, PARTITION_BY (" + engine::QuoteIdent(part) +
                "), FILENAME_PATTERN 'data_{i}')");
    const std::string prefix = part + "=";
    for (const auto& dir : fs::directory_iterator(tmp)) {
      const std::string name = dir.path().filename().string();
      if (!name.starts_with(prefix)) continue;
      const int64_t value = std::stoll(name.substr(prefix.size()));
      out.seen.insert(value);
      std::vector<fs::path> parts;
      for (const auto& f : fs::directory_iterator(dir.path())) parts.push_back(f.path());
      auto key = keys.find(value);
      if (parts.size() != 1 || key == keys.end()) continue;
      const std::string file = key->second + "." + Sha256OfFile(parts[0].string()) + kExtension;
      fs::rename(parts[0], kind_dir / file, ec);
      if (ec) continue;
      Listing(kind)[key->second].push_back(file);
      verified_.insert((kind_dir / file).string());
      ++stats_.written;
      out.files[value] = (kind_dir / file).string();
    }
  } catch (const std::exception& e) {
    spdlog::debug("cache: not written ({}): {}", kind, e.what());
    ++stats_.failed;
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return out;
}

bool ResultCache::PutEmpty(const std::string& kind, const std::vector<std::string>& keys) {
  if (keys.empty()) return true;
  std::string text;
  for (const auto& key : keys) text += key + "\n";
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = fs::path(dir_) / "cache" / "tmp" / RandomName();
  const std::string name = Sha256Hex(text) + kEmptyExtension;
  std::error_code ec;
  fs::create_directories(tmp.parent_path(), ec);
  if (!ec) fs::create_directories(kind_dir, ec);
  if (!ec) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::rename(tmp, kind_dir / name, ec);
  if (ec) {
    spdlog::debug("cache: not written ({}): {}: {}", kind, (kind_dir / name).string(),
                  ec.message());
    ++stats_.failed;
    fs::remove(tmp, ec);
    return false;
  }
  for (const auto& key : keys) Listing(kind)[key].push_back(name);
  verified_.insert((kind_dir / name).string());
  ++stats_.written;
  return true;
}

bool ResultCache::IsEmpty(const std::string& path) { return path.ends_with(kEmptyExtension); }

CacheSweep SweepCache(const std::string& dir, int64_t unused_for_us) {
  CacheSweep out;
  const auto now = fs::file_time_type::clock::now();
  const auto unused = std::chrono::microseconds(unused_for_us);
  std::error_code ec;
  for (fs::recursive_directory_iterator d(fs::path(dir) / "cache", ec), end; !ec && d != end;
       d.increment(ec)) {
    std::error_code fe;
    if (!d->is_regular_file(fe)) continue;
    const bool temporary = d->path().parent_path().filename() == "tmp";
    const auto age = now - d->last_write_time(fe);
    if (fe || age < (temporary ? std::chrono::microseconds(std::chrono::hours(1)) : unused))
      continue;
    const auto size = d->file_size(fe);
    if (fs::remove(d->path(), fe)) {
      ++out.files;
      out.bytes += static_cast<int64_t>(size);
    }
  }
  return out;
}

}  // namespace pond::store
