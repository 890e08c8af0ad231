#include "bench.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "base/error.h"

namespace pond::bench {

ChildRun Bench::Pond(const fs::path& pond_dir, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env,
                     const std::string& stdout_path) const {
  std::vector<std::string> argv = {pond, "--pond", pond_dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, env, stdout_path);
}

ChildRun Bench::Sql(const std::vector<std::string>& statements) const {
  const fs::path file = work / "statements.sql";
  {
    std::ofstream out(file, std::ios::trunc);
    for (const auto& s : statements) {
      if (s.find('\n') != std::string::npos) throw Error("a statement spans lines", s);
      out << s << "\n";
    }
    if (!out) throw Error("cannot write", file.string());
  }
  return RunChild({self, "run-sql", file.string()});
}

std::vector<Timing> Alternate(int repeat, const std::vector<Side>& sides) {
  std::vector<std::vector<double>> seconds(sides.size());
  std::vector<Timing> out(sides.size());
  for (int r = 0; r < repeat; ++r) {
    for (size_t s = 0; s < sides.size(); ++s) {
      ChildRun run = sides[s]();
      seconds[s].push_back(run.seconds);
      out[s].max_rss_kib = std::max(out[s].max_rss_kib, run.max_rss_kib);
    }
  }
  for (size_t s = 0; s < sides.size(); ++s) {
    out[s].seconds = Median(seconds[s]);
    out[s].fastest = *std::min_element(seconds[s].begin(), seconds[s].end());
  }
  return out;
}

void Progress(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::fflush(stderr);
}

// A case measured side by side: ours against the reference, ratio within `limit`.
Row SideBySide(std::string id, std::string name, const Timing& ours, const Timing& reference,
               double limit) {
  Row row{std::move(id), std::move(name)};
  row.ours = ours.seconds;
  row.reference = reference.seconds;
  row.limit = limit;
  row.ours_rss_kib = ours.max_rss_kib;
  return row;
}

}  // namespace pond::bench
