// `pond init`: create the pond directory and transaction 1 (docs/cli.md).
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

void RegisterInit(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("init", "create a pond (and its directory) with transaction 1");
  cmd->callback([&g] {
    const std::string& dir = g.RequireWritablePond();
    store::Pond::Init(dir, g.argv, g.vars);
    if (!g.quiet) std::printf("created pond %s (transaction 1)\n", dir.c_str());
  });
}

}  // namespace

POND_COMMAND("init", RegisterInit);

}  // namespace pond::cli
