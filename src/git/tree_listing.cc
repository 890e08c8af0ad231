#include "git/tree_listing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdio>
#include <string_view>

#include "git/ref_files.h"

namespace pond::git {

namespace {

// The file: a header line, then length-prefixed fields (`<n>:<bytes>`) and the XXH3 of
// all before them in 16 hex digits, so that the header is read and checked alone; then
// the trees (`<count>;` then per tree its id, its entry count and entries
// `<kind><id><name>\0`), the symbolic links (`<count>;` then id and target), and the
// XXH3 of the whole file before it. Git names hold no NUL byte.
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
  // The checksum of every byte so far.
  void Sum() { out_ += fmt::format("{:016x}", XXH3_64bits(out_.data(), out_.size())); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_{kHeader};
};

// Reads what Encoder wrote; every getter fails (false) on bytes it did not write.
class Decoder {
 public:
  // False unless `bytes` start with the header line.
  bool Open(std::string_view bytes) {
    if (!bytes.starts_with(kHeader)) return false;
    all_ = bytes;
    rest_ = bytes.substr(kHeader.size());
    return true;
  }
  // The checksum Encoder::Sum wrote here, checked against the bytes before it.
  bool Sum() {
    const std::string_view before = all_.substr(0, all_.size() - rest_.size());
    std::string_view sum;
    return Raw(kSumHex, sum) &&
           sum == fmt::format("{:016x}", XXH3_64bits(before.data(), before.size()));
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
  std::string_view all_, rest_;
};

// A file mapped read-only: only the pages read are faulted in, so checking a listing's
// header costs its first page, whatever the tree's size.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      size_ = static_cast<size_t>(st.st_size);
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      data_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // Empty when the file is missing, empty or unreadable.
  std::string_view bytes() const { return data_ ? std::string_view(data_, size_) : ""; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Opens `in` on `file`, the listing of `ref` and `prefix` in the clone `dir`, and reads
// its header: false unless the header is whole, for `ref` and `prefix`, and the
// published refs are as it says they were.
bool OpenCurrent(const std::string& dir, const std::string& ref, const std::string& prefix,
                 const MappedFile& file, Decoder& in, std::string& commit, std::string& root) {
  std::string file_ref, file_prefix, state;
  if (!in.Open(file.bytes()) || !in.Field(file_ref) || !in.Field(file_prefix) || !in.Field(state) ||
      !in.Field(commit) || !in.Field(root) || !in.Sum() || file_ref != ref || file_prefix != prefix)
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
  const MappedFile file(ListingPath(dir, ref, prefix));
  std::string commit, root;
  Decoder in;
  if (!OpenCurrent(dir, ref, prefix, file, in, commit, root)) return std::nullopt;
  return commit;
}

std::optional<TreeListing> TreeListing::Load(const std::string& dir, const std::string& ref,
                                             const std::string& prefix) {
  const MappedFile file(ListingPath(dir, ref, prefix));
  Decoder in;
  TreeListing out;
  // The trees are decoded only once the refs are known unchanged.
  if (!OpenCurrent(dir, ref, prefix, file, in, out.commit_, out.root_)) return std::nullopt;
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
  if (!in.Sum() || !in.AtEnd() || !out.trees_.contains(out.root_)) return std::nullopt;
  return out;
}

bool TreeListing::Write(const std::string& dir, const std::string& ref, const std::string& prefix,
                        const std::string& ref_state) const {
  Encoder out;
  for (const std::string* field : {&ref, &prefix, &ref_state, &commit_, &root_}) out.Field(*field);
  out.Sum();
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
  out.Sum();
  const std::string& bytes = out.bytes();
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
