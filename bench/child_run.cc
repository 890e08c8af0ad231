#include "child_run.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

extern char** environ;

namespace pond::bench {

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The parent's environment with `extra` added or replaced.
std::vector<std::string> Environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (!extra.count(name)) out.push_back(entry);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

int MeasureMain(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pond_bench measure RESULT_FILE PROGRAM [ARGS…]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (int rc = ::posix_spawn(&pid, argv[3], nullptr, nullptr, argv + 3, environ); rc != 0) {
    std::fprintf(stderr, "cannot start %s: %s\n", argv[3], std::strerror(rc));
    return 127;
  }
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream(argv[2]) << seconds << " " << usage.ru_maxrss << "\n";
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ChildRun RunChild(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const std::string& stdout_path) {
  std::string err_path = (std::filesystem::temp_directory_path() / "pond-bench-stderr-XXXXXX");
  int err_fd = ::mkstemp(err_path.data());
  if (err_fd < 0) throw Error("cannot create a temporary file", err_path);
  ::close(err_fd);
  const std::string result_path = err_path + ".measure";

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_TRUNC, 0);
  std::vector<std::string> args = {std::filesystem::canonical("/proc/self/exe").string(),
                                   "measure", result_path};
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<std::string> envs = Environment(env);
  std::vector<char*> arg_ptrs = Pointers(args), env_ptrs = Pointers(envs);

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, args[0].c_str(), &fa, nullptr, arg_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    ::unlink(err_path.c_str());
    throw Error(std::string("cannot start: ") + std::strerror(rc), args[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string err = ReadAll(err_path);
  ::unlink(err_path.c_str());
  ChildRun run;
  std::istringstream(ReadAll(result_path)) >> run.seconds >> run.max_rss_kib;
  ::unlink(result_path.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || run.seconds <= 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw Error("child failed (status " + std::to_string(status) + "): " + err, cmd);
  }
  run.err = std::move(err);
  return run;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace pond::bench
