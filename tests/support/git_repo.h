// A Git repository made by a test with Debian's `git` program (never libgit2, so the
// code under test reads what real git writes): a work tree whose files a test
// writes, commits, tags and branches, and which a pond clones by its file:// url.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/scenario.h"

namespace pond::testing {

class GitRepo {
 public:
  // An empty repository at `dir` (made), on branch `main`.
  explicit GitRepo(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    Git({"init", "-q", "-b", "main"});
  }

  const std::filesystem::path& dir() const { return dir_; }
  std::string url() const { return "file://" + dir_.string(); }

  // Runs git in the work tree (a fixed identity and date, no user config); returns
  // its stdout, trimmed; throws when it fails.
  std::string Git(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {
        "-C", dir_.string(),       "-c", "user.name=Test", "-c", "user.email=test@example.com",
        "-c", "core.symlinks=true"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = Run("git", all,
                      {{"GIT_CONFIG_GLOBAL", "/dev/null"},
                       {"GIT_CONFIG_NOSYSTEM", "1"},
                       {"GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z"},
                       {"GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z"}});
    if (r.exit_code != 0) throw std::runtime_error("git failed: " + r.err);
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == ' ')) r.out.pop_back();
    return r.out;
  }

  void Write(const std::string& rel, const std::string& bytes) const {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    WriteFile(dir_ / rel, bytes);
  }
  void Symlink(const std::string& rel, const std::string& target) const {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::filesystem::create_symlink(target, dir_ / rel);
  }
  void Remove(const std::string& rel) const { Git({"rm", "-q", "-r", rel}); }
  // Stages everything and commits; returns the new commit's id.
  std::string Commit(const std::string& message = "change") const {
    Git({"add", "-A"});
    Git({"commit", "-q", "--allow-empty", "-m", message});
    return Git({"rev-parse", "HEAD"});
  }
  // Commits a submodule entry (mode 160000) named `rel` pointing at `commit`, without
  // its repository (what a tree holding a submodule looks like); returns the commit.
  // Commit() after it would drop the entry: its folder is missing.
  std::string CommitGitlink(const std::string& rel, const std::string& commit) const {
    Git({"update-index", "--add", "--cacheinfo", "160000," + commit + "," + rel});
    Git({"commit", "-q", "-m", "gitlink"});
    return Git({"rev-parse", "HEAD"});
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace pond::testing
