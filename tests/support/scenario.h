// Helpers for scenario tests: run the real `pond` binary against temporary ponds
// and host folders, capturing its exit code, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pond::testing {

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // the process's own peak RSS (wait4), for Run() only
};

// Runs `program args...` with extra environment variables (added to, or replacing,
// the test's own), optional stdin text, and returns what it did. With
// `stderr_on_terminal`, stderr is a pseudo-terminal (what a user at a terminal
// sees: progress lines), and `err` is what came through it.
RunResult Run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = {},
              const std::string& stdin_text = "", bool stderr_on_terminal = false);

// The `pond` binary under test ($POND_BINARY, else the build's).
const std::string& PondBinary();

// Runs the pond binary.
RunResult Pond(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {});
// Runs the pond binary with stderr on a pseudo-terminal.
RunResult PondOnTerminal(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {});

// A `pond` process started in the background. Its stdout goes to a pipe read only by
// Finish(): a reader that prints more than a pipe holds (64 KiB) blocks mid-command,
// holding its snapshot open until then. Its stderr goes to a file.
class Background {
 public:
  Background(const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env = {});
  ~Background();  // kills (SIGKILL) and reaps a process still running
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  int pid() const { return pid_; }
  bool Running();                // not exited yet
  bool HasOutput();              // stdout has bytes waiting (none are consumed)
  RunResult Finish();            // reads stdout to its end, waits; exit_code, out and err
  std::string ErrSoFar() const;  // what it has written to stderr yet
  void Kill();                   // SIGKILL and reap; Finish() then reports 128+9

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  int status_ = -1;  // waitpid status once reaped
  std::string err_path_;
};

// A fresh temporary directory, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

// A tmpfs of `bytes` mounted on a fresh folder, for a real "no space left on device";
// unmounted (lazily) and removed on destruction. Mounting needs root: when it fails,
// ok() is false and the test skips.
class TmpfsMount {
 public:
  explicit TmpfsMount(size_t bytes);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool ok() const { return mounted_; }
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
  bool mounted_ = false;
};

std::string ReadFile(const std::filesystem::path& p);
// `from` again at `to` (removed first) as hard links in new folders: the same inodes
// and mtimes, so an export's manifest still vouches for every file (an export never
// writes into a file).
void LinkTree(const std::filesystem::path& from, const std::filesystem::path& to);
// Every regular file below `dir`, by path relative to it: its bytes and inode (a file
// rewritten with the same bytes shows another inode).
std::map<std::string, std::pair<std::string, ino_t>> FilesWithInodes(
    const std::filesystem::path& dir);
void WriteFile(const std::filesystem::path& p, const std::string& bytes);
// Lowercase hex sha256 of a file's bytes.
std::string Sha256File(const std::filesystem::path& p);

}  // namespace pond::testing
