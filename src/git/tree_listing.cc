#include "git/tree_listing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdio>
#include <string_view>

#include "base/error.h"
#include "base/host_file.h"
#include "git/ref_files.h"

namespace pond::git {

namespace {

// The file: a header line, then length-prefixed fields (`<n>:<bytes>`), the trees
// (`<count>;` then per tree its id, its entry count and entries `<kind><id><name>\0`),
// the symbolic links (`<count>;` then id and target), and last the XXH3 of all before
// it in 16 hex digits. Git names hold no NUL byte.
constexpr std::string_view kHeader = "pond git listing 1\n";
constexpr size_t kIdHex = 40;
constexpr size_t kSumHex = 16;

char KindChar(EntryKind kind) {
  switch (kind) {
    case EntryKind::kTree:
      return 't';
    case EntryKind::kBlob:
      return 'b';
    case EntryKind::kSymlink:
      return 'l';
    case EntryKind::kSubmodule:
      return 's';
  }
  return 'b';
}

std::optional<EntryKind> KindOf(char c) {
  switch (c) {
    case 't':
      return EntryKind::kTree;
    case 'b':
      return EntryKind::kBlob;
    case 'l':
      return EntryKind::kSymlink;
    case 's':
      return EntryKind::kSubmodule;
    default:
      return std::nullopt;
  }
}

// The file of `ref` and `prefix` in the clone `dir`: one per pair, so that readers of
// two `${env:…}` refs do not take turns rewriting one file.
std::string ListingPath(const std::string& dir, const std::string& ref, const std::string& prefix) {
  const std::string key = ref + '\0' + prefix;
  return fmt::format("{}/pond-listing-{:016x}", dir, XXH3_64bits(key.data(), key.size()));
}

class Encoder {
 public:
  void Field(std::string_view s) {
    out_ += std::to_string(s.size());
    out_ += ':';
    out_ += s;
  }
  void Count(size_t n) {
    out_ += std::to_string(n);
    out_ += ';';
  }
  void Raw(std::string_view s) { out_ += s; }
  void Raw(char c) { out_ += c; }
  // The bytes, sealed with their checksum.
  std::string Finish() {
    out_ += fmt::format("{:016x}", XXH3_64bits(out_.data(), out_.size()));
    return std::move(out_);
  }

 private:
  std::string out_{kHeader};
};

// Reads what Encoder wrote; every getter fails (false) on bytes it did not write.
class Decoder {
 public:
  // False unless `bytes` start with the header and end with their checksum.
  bool Open(std::string_view bytes) {
    if (bytes.size() < kHeader.size() + kSumHex || !bytes.starts_with(kHeader)) return false;
    const std::string_view body = bytes.substr(0, bytes.size() - kSumHex);
    if (bytes.substr(body.size()) != fmt::format("{:016x}", XXH3_64bits(body.data(), body.size())))
      return false;
    rest_ = body.substr(kHeader.size());
    return true;
  }
  bool Number(char end, size_t& n) {
    const size_t at = rest_.find(end);
    if (at == std::string_view::npos || at == 0 || at > 12) return false;
    n = 0;
    for (char c : rest_.substr(0, at)) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    rest_.remove_prefix(at + 1);
    return true;
  }
  bool Field(std::string& s) {
    size_t n = 0;
    if (!Number(':', n) || n > rest_.size()) return false;
    s.assign(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return true;
  }
  bool Count(size_t& n) { return Number(';', n); }
  bool Raw(size_t n, std::string_view& s) {
    if (n > rest_.size()) return false;
    s = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  bool Name(std::string_view& s) {
    const size_t at = rest_.find('\0');
    if (at == std::string_view::npos) return false;
    s = rest_.substr(0, at);
    rest_.remove_prefix(at + 1);
    return true;
  }
  bool AtEnd() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Reads the file of `ref` and `prefix` in the clone `dir` into `bytes`, opens `in` on
// it and reads its header: false unless the file is whole, for `ref` and `prefix`, and
// the published refs are as it says they were.
bool OpenCurrent(const std::string& dir, const std::string& ref, const std::string& prefix,
                 std::string& bytes, Decoder& in, std::string& commit, std::string& root) {
  try {
    bytes = ReadHostFile(ListingPath(dir, ref, prefix), "git listing");
  } catch (const Error&) {
    return false;
  }
  std::string file_ref, file_prefix, state;
  if (!in.Open(bytes) || !in.Field(file_ref) || !in.Field(file_prefix) || !in.Field(state) ||
      !in.Field(commit) || !in.Field(root) || file_ref != ref || file_prefix != prefix)
    return false;
  return PublishedRefState(dir, ref) == state;
}

}  // namespace

TreeListing TreeListing::Build(const Repository& repo, const std::string& commit,
                               const std::string& tree) {
  TreeListing out;
  out.commit_ = commit;
  out.root_ = tree;
  std::vector<std::string> pending = {tree};
  while (!pending.empty()) {
    const std::string id = std::move(pending.back());
    pending.pop_back();
    if (out.trees_.contains(id)) continue;  // the same subtree twice: one object
    std::vector<TreeEntry>& entries = out.trees_[id] = repo.ListTree(id);
    for (const TreeEntry& e : entries) {
      if (e.kind == EntryKind::kTree) pending.push_back(e.id);
      if (e.kind == EntryKind::kSymlink && !out.symlinks_.contains(e.id))
        out.symlinks_[e.id] = repo.ReadBlob(e.id);
    }
  }
  return out;
}

std::optional<std::string> TreeListing::CurrentCommit(const std::string& dir,
                                                      const std::string& ref,
                                                      const std::string& prefix) {
  std::string bytes, commit, root;
  Decoder in;
  if (!OpenCurrent(dir, ref, prefix, bytes, in, commit, root)) return std::nullopt;
  return commit;
}

std::optional<TreeListing> TreeListing::Load(const std::string& dir, const std::string& ref,
                                             const std::string& prefix) {
  std::string bytes;
  Decoder in;
  TreeListing out;
  // The trees are decoded only once the refs are known unchanged.
  if (!OpenCurrent(dir, ref, prefix, bytes, in, out.commit_, out.root_)) return std::nullopt;
  size_t trees = 0;
  if (!in.Count(trees)) return std::nullopt;
  out.trees_.reserve(trees);
  for (size_t t = 0; t < trees; ++t) {
    std::string_view id, kind_id, name;
    size_t count = 0;
    if (!in.Raw(kIdHex, id) || !in.Count(count)) return std::nullopt;
    std::vector<TreeEntry>& entries = out.trees_[std::string(id)];
    entries.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (!in.Raw(1 + kIdHex, kind_id) || !in.Name(name)) return std::nullopt;
      const std::optional<EntryKind> kind = KindOf(kind_id[0]);
      if (!kind) return std::nullopt;
      entries.push_back({std::string(name), *kind, std::string(kind_id.substr(1))});
    }
  }
  size_t symlinks = 0;
  if (!in.Count(symlinks)) return std::nullopt;
  for (size_t s = 0; s < symlinks; ++s) {
    std::string_view id;
    std::string target;
    if (!in.Raw(kIdHex, id) || !in.Field(target)) return std::nullopt;
    out.symlinks_.emplace(std::string(id), std::move(target));
  }
  if (!in.AtEnd() || !out.trees_.contains(out.root_)) return std::nullopt;
  return out;
}

bool TreeListing::Write(const std::string& dir, const std::string& ref, const std::string& prefix,
                        const std::string& ref_state) const {
  Encoder out;
  for (const std::string* field : {&ref, &prefix, &ref_state, &commit_, &root_}) out.Field(*field);
  out.Count(trees_.size());
  for (const auto& [id, entries] : trees_) {
    out.Raw(id);
    out.Count(entries.size());
    for (const TreeEntry& e : entries) {
      out.Raw(KindChar(e.kind));
      out.Raw(e.id);
      out.Raw(e.name);
      out.Raw('\0');
    }
  }
  out.Count(symlinks_.size());
  for (const auto& [id, target] : symlinks_) {
    out.Raw(id);
    out.Field(target);
  }
  const std::string bytes = out.Finish();
  // Not fsynced: a listing lost to a crash is only rebuilt, and one cut short fails
  // its checksum.
  const std::string path = ListingPath(dir, ref, prefix);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = true;
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

const std::vector<TreeEntry>* TreeListing::Entries(const std::string& id) const {
  auto it = trees_.find(id);
  return it == trees_.end() ? nullptr : &it->second;
}

const std::string* TreeListing::SymlinkTarget(const std::string& id) const {
  auto it = symlinks_.find(id);
  return it == symlinks_.end() ? nullptr : &it->second;
}

}  // namespace pond::git
