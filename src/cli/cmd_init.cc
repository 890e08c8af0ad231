// `pond init [--birthplace NAME]`: create the pond directory and transaction 1
// (docs/cli.md).
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

void RegisterInit(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("init", "create a pond (and its directory) with transaction 1");
  static std::string birthplace;
  cmd->add_option("--birthplace", birthplace, "a label the pond keeps for life (e.g. its host)")
      ->check([](const std::string& v) -> std::string {
        if (v.empty()) return "must not be empty";
        for (unsigned char c : v)
          if (c < 0x20 || c == 0x7f) return "must not hold control characters";
        return "";
      });
  cmd->callback([&g] {
    const std::string& dir = g.RequireWritablePond();
    store::Pond::Init(dir, g.argv, g.vars, nullptr, birthplace);
    if (!g.quiet) std::printf("created pond %s (transaction 1)\n", dir.c_str());
  });
}

}  // namespace

POND_COMMAND("init", RegisterInit);

}  // namespace pond::cli
