// Big HydroVu "Excel HTML" exports for tests and benchmarks, written in the shape of
// the real ones (`HydroVu_FB-Bottom-…_Export.htm`): a page whose <table
// id="isi-report"> has metadata rows, the column-header row (Date Time, one column
// per parameter named with its unit and sensor serial, Marked), then one row per
// reading with In-Situ's attributes on every cell. Optionally the same rows as CSV
// with the same header, for the comparison with DuckDB's read_csv. Header-only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace pond::testing {

struct HydroVuExportSpec {
  int64_t rows = 1000;
  int parameters = 12;  // columns between Date Time and Marked
  // Every `empty_every`-th reading is an empty cell (0: none), as when a sensor
  // missed a reading.
  int empty_every = 97;
};

// The parameters a sonde reports, cycled through for any column count.
inline constexpr const char* kHydroVuParameters[] = {"Temperature (°C)",
                                                     "Actual Conductivity (µS/cm)",
                                                     "Specific Conductivity (µS/cm)",
                                                     "Salinity (PSU)",
                                                     "RDO Concentration (mg/L)",
                                                     "RDO Saturation (%Sat)",
                                                     "pH (pH)",
                                                     "ORP (mV)",
                                                     "Turbidity (NTU)",
                                                     "Pressure (psi)",
                                                     "Depth (m)",
                                                     "Battery Capacity (%)"};
inline constexpr int kHydroVuParameterCount = 12;

// The sensor serial of parameter column `column`: a new sensor each cycle.
inline int HydroVuSerial(int column) { return 700001 + column / kHydroVuParameterCount; }

// The parameter columns' names: a unit in parentheses and the sensor's serial
// (`Temperature (°C) (700001)`), unique for any count.
inline std::vector<std::string> HydroVuParameterNames(int parameters) {
  std::vector<std::string> names;
  for (int c = 0; c < parameters; ++c)
    names.push_back(std::string(kHydroVuParameters[c % kHydroVuParameterCount]) + " (" +
                    std::to_string(HydroVuSerial(c)) + ")");
  return names;
}

// The text of reading `row` of parameter `column` ("" for an empty cell), the same
// in the HTML and the CSV.
inline std::string HydroVuReading(const HydroVuExportSpec& spec, int64_t row, int column) {
  if (spec.empty_every > 0 && (row * 31 + column) % spec.empty_every == 0) return "";
  const int64_t v = (row * 7919 + column * 104729) % 100000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(v / 1000 + column),
                static_cast<long long>(v % 1000));
  return buf;
}

// `Date Time` of reading `row`: every 15 minutes from 2025-03-01 08:00:00.
inline std::string HydroVuDateTime(int64_t row) {
  const time_t t = 1740816000 + static_cast<time_t>(row) * 900;
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Writes the export to the host file `html` and, when `csv` is not empty, the same
// rows to `csv` (Marked empty). Returns the HTML's size in bytes. Throws
// std::runtime_error when a file cannot be written.
inline int64_t WriteHydroVuExport(const HydroVuExportSpec& spec, const std::string& html,
                                  const std::string& csv = "") {
  struct File {
    std::FILE* f;
    std::string path;
    File(const std::string& p) : f(p.empty() ? nullptr : std::fopen(p.c_str(), "wb")), path(p) {
      if (!p.empty() && f == nullptr) throw std::runtime_error("cannot write " + p);
    }
    ~File() {
      if (f != nullptr) std::fclose(f);
    }
    void Put(const std::string& s) {
      if (f != nullptr && std::fwrite(s.data(), 1, s.size(), f) != s.size())
        throw std::runtime_error("cannot write " + path);
    }
    int64_t Close() {
      const long size = std::ftell(f);
      if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
      f = nullptr;
      return size;
    }
  } out(html), table(csv);

  const std::vector<std::string> names = HydroVuParameterNames(spec.parameters);
  out.Put(
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>HydroVu_FB-Bottom_Export</title>\n"
      "<style>td { white-space: nowrap; } .sectionHeader { font-weight: bold; }</style>\n"
      "</head>\n<body>\n<table id=\"isi-report\">\n"
      "<tr class=\"sectionHeader\"><td isi-group=\"LocationProperties\">Location "
      "Properties</td></tr>\n"
      "<tr class=\"sectionMember\"><td isi-group-member=\"LocationProperties\" "
      "isi-property=\"Name\"><span isi-label=\"\">Location Name</span> = <span "
      "isi-value=\"\">FB-Bottom</span></td></tr>\n"
      "<tr class=\"sectionHeader\"><td isi-group=\"ReportProperties\">Report Properties</td></tr>\n"
      "<tr class=\"sectionMember\"><td isi-group-member=\"ReportProperties\" "
      "isi-property=\"TimeOffset\" isi-timespan-milliseconds=\"-28800000\"><span "
      "isi-label=\"\">Time Offset</span> = <span isi-value=\"\">-08:00:00</span></td></tr>\n"
      "<tr class=\"sectionMember\"><td isi-group-member=\"ReportProperties\" "
      "isi-property=\"Readings\"><span isi-label=\"\">Readings</span> = <span isi-value=\"\">" +
      std::to_string(spec.rows) + "</span></td></tr>\n");
  std::string line =
      "<tr class=\"dataHeader\" isi-data-table=\"\">\n<td "
      "isi-data-column-header=\"DateTime\">Date Time</td>\n";
  std::string csv_line = "Date Time";
  for (int c = 0; c < spec.parameters; ++c) {
    line += "<td isi-data-column-header=\"Parameter\" isi-sensor-serial-number=\"" +
            std::to_string(HydroVuSerial(c)) + "\" isi-parameter-type=\"" + std::to_string(c + 1) +
            "\">" + names[c] + "</td>\n";
    csv_line += ",\"" + names[c] + "\"";
  }
  out.Put(line + "<td isi-data-column-header=\"Marked\">Marked</td>\n</tr>\n");
  table.Put(csv_line + ",Marked\n");

  for (int64_t r = 0; r < spec.rows; ++r) {
    const std::string time = HydroVuDateTime(r);
    line = "<tr class=\"data\" isi-data-row=\"\" isi-timestamp=\"" +
           std::to_string(113276524036096 + r * 131072) + "\"><td class=\"dateTime\">" + time +
           "</td>";
    csv_line = time;
    for (int c = 0; c < spec.parameters; ++c) {
      const std::string v = HydroVuReading(spec, r, c);
      line += "<td isi-data-quality=\"4\">" + v + "</td>";
      csv_line += "," + v;
    }
    out.Put(line + "<td></td></tr>\n");
    table.Put(csv_line + ",\n");
  }
  out.Put("</table>\n</body>\n</html>\n");
  if (table.f != nullptr) table.Close();
  return out.Close();
}

}  // namespace pond::testing
