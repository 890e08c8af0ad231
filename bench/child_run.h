// One timed child process: wall time and peak resident memory of a program run
// to completion, so both sides of a benchmark are measured the same way.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pond::bench {

struct ChildRun {
  double seconds = 0;    // wall time from spawn to exit
  long max_rss_kib = 0;  // wait4's ru_maxrss: the child's peak resident set (KiB)
  std::string err;       // what it wrote on stderr
};

// Linux keeps a process's peak RSS across exec, and a child spawned by a large
// process starts with its parent's (vfork shares its memory until exec; fork copies
// the peak): the bench, holding the ponds it built, would report its own size for
// every small child. So each child is started by a small intermediate, this program
// run as `pond_bench measure RESULT_FILE PROGRAM ARGS…`, which spawns PROGRAM with
// its own stdio and environment, times it, and writes "<seconds> <ru_maxrss KiB>" to
// RESULT_FILE; it exits with PROGRAM's status (128 + signal when killed).
int MeasureMain(int argc, char** argv);

// Runs the program at path `argv[0]` with `argv`, extra environment `env` (added to
// or replacing ours) and stdout to `stdout_path`. Throws pond::Error with the
// command and its stderr if it cannot start or does not exit 0.
ChildRun RunChild(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {},
                  const std::string& stdout_path = "/dev/null");

// The median of `values` (not empty).
double Median(std::vector<double> values);

}  // namespace pond::bench
