// Case 5: the old demo's Observable site page (bench/data/site.md.tera) rendered with an `export`
// context of 500 files, by our engine in this process and by the Tera 1.17.1 oracle
// in its own (`tera-oracle --bench N`): time per render, process start excluded.
#include <fmt/format.h>
#include <sched.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "bench.h"
#include "export/export_set.h"
#include "tmpl/template.h"

namespace pond::bench {

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error("cannot read", p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What stage 1 of the demo's export would hand the page: one site, four
// resolutions of 125 monthly files each (500 files), avg/min/max of six columns.
nlohmann::json SiteContext() {
  const std::vector<std::string> names = {"Temperature.C", "DO.mg/L",       "pH.pH",
                                          "Salinity.psu",  "Turbidity.NTU", "Depth.m"};
  std::vector<exporter::SchemaField> schema = {exporter::SplitColumn("timestamp", "TIMESTAMP")};
  for (const char* agg : {"avg", "min", "max"})
    for (const auto& n : names)
      schema.push_back(exporter::SplitColumn("AT500_Surface." + n + "." + agg, "DOUBLE"));
  std::vector<exporter::TargetOutput> targets;
  for (const char* res : {"12h", "1d", "1h", "6h"}) {
    exporter::TargetOutput t{std::string("/test-locations/BDockDownsampled/res=") + res + ".series",
                             {"BDockDownsampled", res},
                             {},
                             schema};
    for (int m = 0; m < 125; ++m) {
      const int year = 2014 + m / 12, month = m % 12 + 1;
      const int64_t start_ms = (int64_t{1388534400} + int64_t{m} * 2629800) * 1000;  // ~monthly
      t.files.push_back(exporter::ExportOutput{
          fmt::format("year={}/month={}/data_0.parquet", year, month), start_ms,
          start_ms + int64_t{2626200} * 1000, 720 + m, 40000 + 17 * m});
    }
    targets.push_back(std::move(t));
  }
  return {{"export", exporter::BuildExportSet(targets)},
          {"args", {"BDockDownsampled"}},
          {"vars", nlohmann::json::object()}};
}

// Pins this process (and the children it starts) to the core it runs on for a
// scope: unpinned, either side's time per render varied by 2x from run to run here.
class PinnedToOneCore {
 public:
  PinnedToOneCore() {
    pinned_ = ::sched_getaffinity(0, sizeof previous_, &previous_) == 0;
    const int cpu = ::sched_getcpu();
    if (!pinned_ || cpu < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pinned_ = ::sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~PinnedToOneCore() {
    if (pinned_) ::sched_setaffinity(0, sizeof previous_, &previous_);
  }
  PinnedToOneCore(const PinnedToOneCore&) = delete;
  PinnedToOneCore& operator=(const PinnedToOneCore&) = delete;

 private:
  cpu_set_t previous_{};
  bool pinned_ = false;
};

}  // namespace

std::vector<Row> RenderCase(const Bench& b) {
  Progress("5 template rendering");
  Row row{"5", "render site.md.tera, 500 files (us vs Tera 1.17.1, per render)"};
  row.limit = 0.5;
  if (b.oracle.empty() || !fs::exists(b.oracle)) {
    row.skipped = "tera-oracle not built (cargo build --offline --release in tools/tera-oracle)";
    return {row};
  }
  const std::string source = ReadFile(fs::path(b.source_dir) / "bench/data/site.md.tera");
  const nlohmann::json context = SiteContext();
  // The oracle registers every file of the template's folder: give it a folder of its own.
  const fs::path dir = b.work / "render";
  fs::create_directories(dir / "templates");
  std::ofstream(dir / "templates/site.md.tera", std::ios::binary) << source;
  std::ofstream(dir / "ctx.json", std::ios::binary) << context.dump();

  tmpl::Engine engine;
  tmpl::AddPondHelpers(engine);
  engine.AddTemplate("site.md.tera", source);
  const std::string ours_output = engine.Render("site.md.tera", context);
  const fs::path oracle_output = dir / "oracle.out";
  RunChild({b.oracle, (dir / "templates/site.md.tera").string(), (dir / "ctx.json").string()}, {},
           oracle_output.string());
  const bool same = ReadFile(oracle_output) == ours_output;

  PinnedToOneCore pinned;
  // Enough renders for about half a second of ours.
  using Clock = std::chrono::steady_clock;
  auto time_renders = [&](int n) {
    const auto start = Clock::now();
    size_t bytes = 0;
    for (int i = 0; i < n; ++i) bytes += engine.Render("site.md.tera", context).size();
    if (bytes != ours_output.size() * static_cast<size_t>(n))
      throw Error("renders differ", "case 5");
    return std::chrono::duration<double>(Clock::now() - start).count() / n;
  };
  const int renders = std::max(20, static_cast<int>(0.5 / time_renders(5)));
  std::vector<double> ours, oracle;
  for (int r = 0; r < b.repeat; ++r) {
    ours.push_back(time_renders(renders));
    const fs::path timing = dir / "oracle.timing";
    RunChild({b.oracle, "--bench", std::to_string(renders),
              (dir / "templates/site.md.tera").string(), (dir / "ctx.json").string()},
             {}, timing.string());
    oracle.push_back(std::stod(ReadFile(timing)) / 1e9);
  }
  row.ours = Median(ours);
  row.reference = Median(oracle);
  row.note = fmt::format("{} renders each, one core, {} KiB output, {}", renders,
                         ours_output.size() / 1024,
                         same ? "same output" : "OUTPUT DIFFERS from the oracle");
  return {row};
}

}  // namespace pond::bench
