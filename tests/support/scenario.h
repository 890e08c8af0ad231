// Helpers for scenario tests: run the real `pond` binary against temporary ponds
// and host folders, capturing its exit code, stdout and stderr.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pond::testing {

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
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

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& bytes);
// Lowercase hex sha256 of a file's bytes.
std::string Sha256File(const std::filesystem::path& p);

}  // namespace pond::testing
