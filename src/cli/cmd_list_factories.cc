// `pond list-factories`: every factory with the shape of its node (docs/layers.md)
// and a one-line description.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/command.h"
#include "factories/factory.h"

namespace pond::cli {

namespace {

void RegisterListFactories(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("list-factories", "list the factories mknod accepts");
  cmd->callback([&g] {
    if (g.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto* f : factories::AllFactories())
        out.push_back({{"name", f->name()},
                       {"shape", factories::ShapeName(f->shape())},
                       {"description", f->description()}});
      std::printf("%s\n", out.dump().c_str());
      return;
    }
    for (const auto* f : factories::AllFactories())
      std::printf("%-20s %-11s %s\n", f->name().c_str(), factories::ShapeName(f->shape()).c_str(),
                  f->description().c_str());
  });
}

}  // namespace

POND_COMMAND("list-factories", RegisterListFactories);

}  // namespace pond::cli
