#include "report.h"

#include <fmt/format.h>

#include <algorithm>

namespace pond::bench {

namespace {

std::string Figure(const Row& row, double value) {
  if (row.bound == Bound::kCountRatio) return fmt::format("{:.0f}", value);
  return row.bound == Bound::kMemoryKib || row.bound == Bound::kSizeRatio ? FormatKib(value)
                                                                         : FormatSeconds(value);
}

const char* Unit(Bound bound) {
  switch (bound) {
    case Bound::kMemoryKib:
    case Bound::kSizeRatio:
      return "KiB";
    case Bound::kCountRatio:
      return "count";
    default:
      return "s";
  }
}

std::string TargetText(const Row& row) {
  switch (row.bound) {
    case Bound::kRatio:
    case Bound::kSizeRatio:
    case Bound::kCountRatio:
      return fmt::format("<= {:.2f}", row.limit);
    case Bound::kSeconds:
      return "< " + FormatSeconds(row.limit);
    case Bound::kMemoryKib:
      return "< " + FormatKib(row.limit);
  }
  return "";
}

std::string Status(const Row& row) {
  if (!row.skipped.empty()) return "SKIP";
  return row.met() ? "ok" : "MISS";
}

}  // namespace

std::optional<double> Row::ratio() const {
  if (!reference || *reference <= 0) return std::nullopt;
  return ours / *reference;
}

bool Row::met() const {
  if (!skipped.empty()) return false;
  if (bound == Bound::kSeconds || bound == Bound::kMemoryKib) return ours < limit;
  auto r = ratio();
  return r && *r <= limit;
}

std::string FormatSeconds(double s) {
  if (s >= 1) return fmt::format("{:.2f} s", s);
  if (s >= 1e-3) return fmt::format("{:.1f} ms", s * 1e3);
  return fmt::format("{:.1f} us", s * 1e6);
}

std::string FormatKib(double kib) {
  return kib < 10 * 1024 ? fmt::format("{:.0f} KiB", kib) : fmt::format("{:.0f} MiB", kib / 1024);
}

std::string FormatTable(const Report& report) {
  const std::vector<std::string> header = {"case",   "what",   "ours",     "reference", "ratio",
                                           "target", "status", "ours RSS", "note"};
  std::vector<std::vector<std::string>> cells;
  int missed = 0, met = 0, skipped = 0;
  for (const auto& row : report.rows) {
    std::vector<std::string> line = {row.id, row.name};
    if (!row.skipped.empty()) {
      line.insert(line.end(), {"-", "-", "-", TargetText(row), "SKIP", "-", row.skipped});
      ++skipped;
    } else {
      auto r = row.ratio();
      line.push_back(Figure(row, row.ours));
      line.push_back(row.reference ? Figure(row, *row.reference) : "-");
      line.push_back(r ? fmt::format("{:.2f}", *r) : "-");
      line.push_back(TargetText(row));
      line.push_back(Status(row));
      line.push_back(row.ours_rss_kib ? FormatKib(static_cast<double>(*row.ours_rss_kib)) : "-");
      line.push_back(row.note);
      (row.met() ? met : missed)++;
    }
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& line : cells) width[c] = std::max(width[c], line[c].size());
  }
  auto format_line = [&](const std::vector<std::string>& line) {
    std::string out;
    for (size_t c = 0; c < line.size(); ++c) {
      const bool last = c + 1 == line.size();
      const bool right = c >= 2 && c <= 4;  // figures
      out += last    ? line[c]
             : right ? fmt::format("{:>{}}  ", line[c], width[c])
                     : fmt::format("{:<{}}  ", line[c], width[c]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = format_line(header);
  for (const auto& line : cells) out += format_line(line);
  out += fmt::format("{} met, {} MISSED, {} skipped ({} rows, median of {}; {})\n", met, missed,
                     skipped, report.bench_rows, report.repeat, report.machine);
  return out;
}

nlohmann::json ToJson(const Report& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    nlohmann::json j = {{"case", row.id},
                        {"what", row.name},
                        {"unit", Unit(row.bound)},
                        {"target", TargetText(row)},
                        {"status", Status(row)},
                        {"note", row.note}};
    if (row.skipped.empty()) {
      j["ours"] = row.ours;
      j["reference"] = row.reference ? nlohmann::json(*row.reference) : nlohmann::json(nullptr);
      auto r = row.ratio();
      j["ratio"] = r ? nlohmann::json(*r) : nlohmann::json(nullptr);
      j["ours_rss_kib"] =
          row.ours_rss_kib ? nlohmann::json(*row.ours_rss_kib) : nlohmann::json(nullptr);
      j["met"] = row.met();
    } else {
      j["skipped"] = row.skipped;
    }
    rows.push_back(std::move(j));
  }
  return {{"command", report.command},
          {"machine", report.machine},
          {"rows", report.bench_rows},
          {"repeat", report.repeat},
          {"cases", rows}};
}

}  // namespace pond::bench
