// `pond log [--limit N]` (docs/cli.md): transactions, newest first.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/output_format.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

void RegisterLog(CLI::App& app, GlobalOptions& g) {
  static size_t limit = 20;
  auto* cmd = app.add_subcommand("log", "transactions, newest first");
  cmd->add_option("--limit", limit, "how many (default 20)")->check(AtLeast(0));
  cmd->callback([&g] {
    auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
    std::vector<store::TxnInfo> log = pond->Log(limit);
    if (g.json) {
      std::vector<nlohmann::ordered_json> items;
      for (const auto& t : log)
        items.push_back({{"seq", t.seq},
                         {"time", FormatIso(t.time_us)},
                         {"time_us", t.time_us},
                         {"argv", t.argv},
                         {"vars", t.vars}});
      PrintText(JsonArrayLines(items));
      return;
    }
    size_t width = log.empty() ? 1 : std::to_string(log.front().seq).size();
    for (const auto& t : log) {
      std::string command;
      for (const auto& a : t.argv) command += (command.empty() ? "" : " ") + ShellQuote(a);
      PrintText(fmt::format("{:>{}}  {}  {}   vars: {}\n", t.seq, width, FormatSeconds(t.time_us),
                            command, JsonText(nlohmann::ordered_json(t.vars))));
    }
  });
}

}  // namespace

POND_COMMAND("log", RegisterLog);

}  // namespace pond::cli
