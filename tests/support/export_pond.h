// The pond the export scenario tests share: series of 15-minute readings under /raw,
// /reduced reducing them to 1h and 1d, and /pages rendering a page per site that lists
// its export entry (so a page changes exactly when its files do).
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "support/scenario.h"

namespace pond::testing {

// A series CSV of `rows` readings every 15 minutes from `from` (UTC), `value(i)` each.
inline std::string QuarterHourCsv(const std::string& from, int rows,
                                  const std::function<double(int)>& value) {
  std::string csv = "timestamp,v\n";
  struct tm tm {};
  strptime(from.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  time_t t = timegm(&tm);
  for (int i = 0; i < rows; ++i, t += 900) {
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    csv += std::string(buf) + "," + std::to_string(value(i)) + "\n";
  }
  return csv;
}

// Appends `rows` readings every 15 minutes from `from`, `value(i)` each, to
// /raw/<name>.series through `ok` (one pond command expected to succeed), by way of a
// CSV in `tmp`.
inline void AppendReadings(const std::function<std::string(const std::vector<std::string>&)>& ok,
                           const TempDir& tmp, const std::string& name, const std::string& from,
                           int rows, const std::function<double(int)>& value) {
  WriteFile(tmp.path() / "in.csv", QuarterHourCsv(from, rows, value));
  ok({"copy", tmp / "in.csv", "/raw/" + name + ".series", "--format", "series"});
}

// Makes /reduced (with `aggregations`, YAML flow) and /pages through `ok`, which runs
// one pond command and expects it to succeed; `tmp` holds the config files.
inline void MakeReducedPages(const std::function<std::string(const std::vector<std::string>&)>& ok,
                             const TempDir& tmp, const std::string& aggregations) {
  WriteFile(tmp.path() / "reduce.yaml",
            "in_pattern: /raw/*.series\nout_pattern: $0\nresolutions: [1h, 1d]\n"
            "aggregations: " +
                aggregations + "\n");
  ok({"mknod", "temporal-reduce", "/reduced", "--config", tmp / "reduce.yaml"});
  WriteFile(tmp.path() / "page.md.tera",
            "{{ args[0] }}:{% for res, leaf in export[args[0]] %}{% for f in leaf.files %} "
            "{{ f.file }} {{ f.rows }} {{ f.end_time }}{% endfor %}{% endfor %}\n");
  ok({"copy", tmp / "page.md.tera", "/page.md.tera"});
  WriteFile(tmp.path() / "pages.yaml",
            "in_pattern: /reduced/*\nout_pattern: page=$0\ntemplate_file: /page.md.tera\n");
  ok({"mknod", "template", "/pages", "--config", tmp / "pages.yaml"});
}

}  // namespace pond::testing
