#include "support/scenario.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace pond::testing {

namespace {

std::vector<std::string> MergedEnv(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) all[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

RunResult Run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const std::string& stdin_text,
              bool stderr_on_terminal) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  if (stderr_on_terminal) {
    // [0] is the terminal's master side, read here; [1] the child's stderr. Once
    // the child has exited, reading the master fails with EIO: the end.
    if (openpty(&err_pipe[0], &err_pipe[1], nullptr, nullptr, nullptr) != 0)
      throw std::runtime_error("openpty failed");
    fcntl(err_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(err_pipe[1], F_SETFD, FD_CLOEXEC);
  } else if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);

  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_s = MergedEnv(env);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid;
  int rc = posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  // Feed stdin and drain both outputs together so neither pipe can fill and block.
  signal(SIGPIPE, SIG_IGN);
  size_t written = 0;
  if (stdin_text.empty()) {
    close(in_pipe[1]);
    in_pipe[1] = -1;
  }
  RunResult r;
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open || in_pipe[1] >= 0) {
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) {
      fds[n] = {out_pipe[0], POLLIN, 0};
      out_i = n++;
    }
    if (err_open) {
      fds[n] = {err_pipe[0], POLLIN, 0};
      err_i = n++;
    }
    if (in_pipe[1] >= 0) {
      fds[n] = {in_pipe[1], POLLOUT, 0};
      in_i = n++;
    }
    if (poll(fds, n, -1) < 0) continue;
    auto drain = [&](int i, int fd, std::string& dst, bool& open) {
      if (i < 0 || fds[i].revents == 0) return;
      ssize_t k = read(fd, buf, sizeof buf);
      if (k > 0)
        dst.append(buf, static_cast<size_t>(k));
      else
        open = false;
    };
    drain(out_i, out_pipe[0], r.out, out_open);
    drain(err_i, err_pipe[0], r.err, err_open);
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t k = write(in_pipe[1], stdin_text.data() + written, stdin_text.size() - written);
      if (k > 0) written += static_cast<size_t>(k);
      if (k <= 0 || written == stdin_text.size()) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.max_rss_kib = usage.ru_maxrss;
  return r;
}

Background::Background(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  char err_template[] = "/tmp/pond-bg-err-XXXXXX";
  int err_fd = mkstemp(err_template);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  err_path_ = err_template;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  std::vector<std::string> argv_s{PondBinary()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  auto env_s = MergedEnv(env);
  auto argv = Pointers(argv_s);
  auto envp = Pointers(env_s);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, PondBinary().c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_fd);
  if (rc != 0) {
    close(out_pipe[0]);
    throw std::runtime_error(std::string("cannot start pond: ") + std::strerror(rc));
  }
  pid_ = pid;
  out_fd_ = out_pipe[0];
}

Background::~Background() {
  if (status_ < 0) Kill();
  if (out_fd_ >= 0) close(out_fd_);
  unlink(err_path_.c_str());
}

bool Background::Running() {
  if (status_ >= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
  return status_ < 0;
}

bool Background::HasOutput() {
  pollfd fd{out_fd_, POLLIN, 0};
  return poll(&fd, 1, 0) == 1 && (fd.revents & POLLIN) != 0;
}

void Background::Kill() {
  if (status_ >= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  status_ = status;
}

std::string Background::ErrSoFar() const { return ReadFile(err_path_); }

RunResult Background::Finish() {
  RunResult r;
  char buf[65536];
  for (ssize_t k; out_fd_ >= 0 && (k = read(out_fd_, buf, sizeof buf)) != 0;) {
    if (k < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.out.append(buf, static_cast<size_t>(k));
  }
  if (status_ < 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = status;
  }
  r.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  r.err = ReadFile(err_path_);
  return r;
}

const std::string& PondBinary() {
  static const std::string bin = [] {
    const char* e = std::getenv("POND_BINARY");
    return std::string(e != nullptr && *e != '\0' ? e : POND_BINARY);
  }();
  return bin;
}

RunResult Pond(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env) {
  return Run(PondBinary(), args, env);
}

RunResult PondOnTerminal(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
  return Run(PondBinary(), args, env, "", true);
}

TmpfsMount::TmpfsMount(size_t bytes) {
  const std::string options = "size=" + std::to_string(bytes);
  mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
}

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int i = 0; i < 100; ++i) {
    auto p = base / ("pond-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << bytes;
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

std::string Sha256File(const std::filesystem::path& p) {
  std::string data = ReadFile(p);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

void LinkTree(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::remove_all(to);
  if (!fs::exists(from)) return;
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path target = to / it->path().lexically_relative(from);
    if (fs::is_directory(it->symlink_status()))
      fs::create_directory(target);
    else
      fs::create_hard_link(it->path(), target);
  }
}

std::map<std::string, std::pair<std::string, ino_t>> FilesWithInodes(
    const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::pair<std::string, ino_t>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    out[fs::relative(e.path(), dir).string()] = {ReadFile(e.path()), st.st_ino};
  }
  return out;
}

}  // namespace pond::testing
