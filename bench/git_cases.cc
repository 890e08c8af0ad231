// Cases 21–23 (issue #34): git-ingest (docs/git-ingest.md) against Debian's `git` in the
// same run, on repositories each case builds with `git fast-import` and reads by a
// file:// url, as a pond does a configuration repository.
// 21: `pond list '/**'` of a 10,000-file tree against `git ls-tree -r` of the same
//     commit in a bare clone; the listing must hold the same files and their folders.
// 22: `pond run /git pull` with nothing new against `git fetch` of a bare clone with
//     the same refspecs (branches and tags); both must still name origin's commit.
// 23: a temporal-reduce over a year of Parquet archives committed to a repository
//     (`series:///archive/devices/*/*.series`) against the same reduction over the
//     same files stored as series; the first export (empty cache) of each, whose rows
//     must be equal.
#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "base/error.h"
#include "bench.h"
#include "engine/duckdb.h"

namespace pond::bench {

namespace {

// Git without the user's or the system's config: the same repositories everywhere.
const std::map<std::string, std::string> kGitEnv = {{"GIT_CONFIG_GLOBAL", "/dev/null"},
                                                    {"GIT_CONFIG_NOSYSTEM", "1"}};

ChildRun Git(const std::vector<std::string>& args, const std::string& stdout_path = "/dev/null") {
  std::vector<std::string> argv = {"/usr/bin/git"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, kGitEnv, stdout_path);
}

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read", file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// `git rev-parse REF` in the repository `dir`.
std::string RevParse(const Bench& b, const fs::path& dir, const std::string& ref) {
  const fs::path out = b.work / "rev-parse.txt";
  Git({"-C", dir.string(), "rev-parse", ref}, out.string());
  const std::vector<std::string> lines = Lines(ReadText(out));
  if (lines.empty()) throw Error("no commit", ref);
  return lines[0];
}

// A `git fast-import` stream: commits on one branch, with files inline, and tags.
// Importing one stream is ~1 s for 10,000 files where `git add` and `commit` take ~10.
class FastImport {
 public:
  explicit FastImport(fs::path path) : path_(std::move(path)), out_(path_, std::ios::binary) {}

  // A commit on `branch` (after the last one on it in this stream), marked `:mark`.
  void Commit(const std::string& branch, int mark, int64_t unix_time, const std::string& message) {
    out_ << "commit refs/heads/" << branch << "\nmark :" << mark
         << "\ncommitter Bench <bench@example.com> " << unix_time << " +0000\ndata "
         << message.size() << "\n"
         << message << "\n";
  }
  // A file of the commit begun last.
  void File(const std::string& path, std::string_view bytes) {
    out_ << "M 100644 inline " << path << "\ndata " << bytes.size() << "\n";
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out_ << "\n";
  }
  // A lightweight tag on the commit marked `:mark`.
  void Tag(const std::string& name, int mark) {
    out_ << "reset refs/tags/" << name << "\nfrom :" << mark << "\n\n";
  }
  // Imports the stream into a new bare repository at `dir` (branch `main`).
  void ImportInto(const fs::path& dir) {
    out_.close();
    if (!out_) throw Error("cannot write", path_.string());
    Git({"init", "-q", "--bare", "-b", "main", dir.string()});
    RunChild({"/bin/sh", "-c", "exec /usr/bin/git -C \"$0\" fast-import --quiet < \"$1\"",
              dir.string(), path_.string()},
             kGitEnv);
    fs::remove(path_);
  }

 private:
  fs::path path_;
  std::ofstream out_;
};

constexpr int kSites = 90, kFilesPerSite = 100;       // sites/s000/f00.csv: 9,000 files
constexpr int kYears = 10, kMonths = 10, kDays = 10;  // archive/y2015/m01/d00.csv: 1,000
constexpr int kCommits = 10;                          // each tagged; later ones edit 20 files
constexpr int64_t kEpoch = 1735689600;                // 2025-01-01T00:00:00Z

std::string SiteFile(int s, int f) { return fmt::format("sites/s{:03}/f{:02}.csv", s, f); }
std::string SiteBytes(int s, int f, int version) {
  return fmt::format("timestamp,value\n2025-01-01 00:00:00,{}.{}\n2025-01-02 00:00:00,{}\n", s, f,
                     version);
}

// The configuration repository of cases 21 and 22 as a bare origin at `dir`: 10,000
// small files, most in 90 site folders of 100, a thousand three levels deeper (a
// year/month/day archive), over ten tagged commits.
void MakeTreeOrigin(const Bench& b, const fs::path& dir) {
  FastImport stream(b.work / "tree.fi");
  stream.Commit("main", 1, kEpoch, "sites and archive");
  for (int s = 0; s < kSites; ++s)
    for (int f = 0; f < kFilesPerSite; ++f) stream.File(SiteFile(s, f), SiteBytes(s, f, 0));
  for (int y = 0; y < kYears; ++y)
    for (int m = 0; m < kMonths; ++m)
      for (int d = 0; d < kDays; ++d)
        stream.File(fmt::format("archive/y{}/m{:02}/d{:02}.csv", 2015 + y, m + 1, d),
                    fmt::format("date,count\n{}-{:02}-{:02},{}\n", 2015 + y, m + 1, d + 1, d));
  stream.Tag("v1", 1);
  for (int c = 2; c <= kCommits; ++c) {
    stream.Commit("main", c, kEpoch + c * 86400, fmt::format("edit {}", c));
    for (int k = 0; k < 20; ++k) {
      const int s = (c * 7 + k * 13) % kSites, f = (c * 11 + k) % kFilesPerSite;
      stream.File(SiteFile(s, f), SiteBytes(s, f, c));
    }
    stream.Tag(fmt::format("v{}", c), c);
  }
  stream.ImportInto(dir);
}

// A pond at `dir` with /git, a git-ingest node of `origin`'s main, pulled once.
void MakeGitPond(const Bench& b, const fs::path& dir, const fs::path& origin,
                 const std::string& node) {
  b.Pond(dir, {"init"});
  const fs::path config = b.work / "git-ingest.yaml";
  {
    std::ofstream out(config);
    out << "url: file://" << origin.string() << "\nref: main\n";
  }
  b.Pond(dir, {"mknod", "git-ingest", node, "--config", config.string()});
  b.Pond(dir, {"run", node, "pull"});
}

// The word after "at commit " in `pond run NODE pull|status`'s output.
std::string AtCommit(const std::string& output) {
  for (const std::string& line : Lines(output))
    if (line.starts_with("at commit ")) return line.substr(10);
  throw Error("no 'at commit' line in: " + output, "git-ingest");
}

}  // namespace

void CommitToNewRepository(const Bench& b, const fs::path& origin,
                           const std::vector<std::pair<std::string, fs::path>>& files) {
  FastImport stream(b.work / "files.fi");
  stream.Commit("main", 1, kEpoch, "files");
  for (const auto& [path, file] : files) stream.File(path, ReadText(file));
  stream.ImportInto(origin);
}

std::vector<Row> GitListCase(const Bench& b) {
  Progress("21 pond list '/**' of a 10,000-file git tree vs git ls-tree -r");
  const fs::path origin = b.work / "tree-origin.git", clone = b.work / "tree-clone.git",
                 pond_dir = b.work / "tree-pond";
  MakeTreeOrigin(b, origin);
  Git({"clone", "-q", "--bare", "file://" + origin.string(), clone.string()});
  MakeGitPond(b, pond_dir, origin, "/git");
  const std::string commit = RevParse(b, clone, "main");

  const fs::path ours_out = b.work / "tree-list.txt", theirs_out = b.work / "tree-ls.txt";
  const auto t = Alternate(
      b.repeat, {[&] {
                   return b.Pond(pond_dir, {"list", "/**"}, {}, ours_out.string());
                 },
                 [&] {
                   return Git({"-C", clone.string(), "ls-tree", "-r", commit}, theirs_out.string());
                 }});

  // The answer: the listing is git's files under /git, with their folders.
  std::set<std::string> expected = {"/", "/git"};
  size_t files = 0;
  for (const std::string& line : Lines(ReadText(theirs_out))) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) throw Error("not an ls-tree line: " + line, "case 21");
    std::string path = "/git/" + line.substr(tab + 1);
    ++files;
    for (size_t slash = path.rfind('/'); slash > 4; slash = path.rfind('/', slash - 1))
      expected.insert(path.substr(0, slash));
    expected.insert(std::move(path));
  }
  const std::vector<std::string> listed = Lines(ReadText(ours_out));
  if (files != kSites * kFilesPerSite + kYears * kMonths * kDays ||
      std::set<std::string>(listed.begin(), listed.end()) != expected ||
      listed.size() != expected.size())
    throw Error(fmt::format("pond list shows {} paths, git ls-tree {} files ({} paths with their "
                            "folders)",
                            listed.size(), files, expected.size()),
                "case 21");

  Row row = SideBySide("21", "pond list '/**' of a 10,000-file git-ingest tree (vs git ls-tree -r)",
                       t[0], t[1], 3.0);
  row.note = fmt::format("{} paths; fastest {} vs {}", listed.size(), FormatSeconds(t[0].fastest),
                         FormatSeconds(t[1].fastest));
  if (!b.keep)
    for (const auto& d : {origin, clone, pond_dir}) fs::remove_all(d);
  return {row};
}

std::vector<Row> GitPullCase(const Bench& b) {
  Progress("22 pond run /git pull with nothing new vs git fetch");
  const fs::path origin = b.work / "pull-origin.git", clone = b.work / "pull-clone.git",
                 pond_dir = b.work / "pull-pond";
  MakeTreeOrigin(b, origin);
  MakeGitPond(b, pond_dir, origin, "/git");
  // A bare clone fetching what ours fetches: origin's branches and tags, forced, no
  // FETCH_HEAD (docs/git-ingest.md, "The clone").
  Git({"init", "-q", "--bare", "-b", "main", clone.string()});
  Git({"-C", clone.string(), "remote", "add", "origin", "file://" + origin.string()});
  Git({"-C", clone.string(), "config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*"});
  const std::vector<std::string> fetch = {
      "-C", clone.string(), "fetch", "-q", "--no-write-fetch-head", "--no-tags", "origin"};
  Git(fetch);

  const fs::path pull_out = b.work / "pull.txt";
  const auto t = Alternate(
      b.repeat, {[&] {
                   return b.Pond(pond_dir, {"run", "/git", "pull"}, {}, pull_out.string());
                 },
                 [&] { return Git(fetch); }});

  // The answer: nothing moved, on either side.
  const std::string head = RevParse(b, origin, "main");
  const fs::path status_out = b.work / "status.txt";
  b.Pond(pond_dir, {"run", "/git", "status"}, {}, status_out.string());
  const std::string pulled = AtCommit(ReadText(pull_out)), status = AtCommit(ReadText(status_out));
  if (!head.starts_with(pulled) || !head.starts_with(status) ||
      RevParse(b, clone, "refs/remotes/origin/main") != head ||
      RevParse(b, clone, fmt::format("refs/tags/v{}", kCommits)) != head)
    throw Error(
        fmt::format("after the pulls: pond at {} (status {}), origin at {}", pulled, status, head),
        "case 22");

  Row row = SideBySide("22", "pond run /git pull, nothing new (vs git fetch, same refspecs)", t[0],
                       t[1], 2.0);
  row.note = fmt::format("{} tags; fastest {} vs {}", kCommits, FormatSeconds(t[0].fastest),
                         FormatSeconds(t[1].fastest));
  if (!b.keep)
    for (const auto& d : {origin, clone, pond_dir}) fs::remove_all(d);
  return {row};
}

}  // namespace pond::bench
