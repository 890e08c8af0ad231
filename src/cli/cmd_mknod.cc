// `pond mknod FACTORY PATH --config FILE [--overwrite]`: validates the config
// (expanded with the current -v vars) and stores the factory name and the raw text
// as a dynamic node; its vars are kept in the transaction as defaults for reads.
#include <cstdio>
#include <memory>

#include "base/error.h"
#include "base/host_file.h"
#include "cli/command.h"
#include "factories/factory.h"
#include "factories/view.h"
#include "path/path.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct MknodOptions {
  std::string factory, path, config;
  bool overwrite = false;
};

void RegisterMknod(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<MknodOptions>();
  auto* cmd = app.add_subcommand("mknod", "create a dynamic node from a YAML config");
  cmd->add_option("FACTORY", o->factory, "factory name (see 'pond list-factories')")->required();
  cmd->add_option("PATH", o->path, "pond path of the new node")->required();
  // --config-path is the original's name for it (docs/apply.md).
  cmd->add_option("--config,--config-path", o->config, "host YAML file (a template)")->required();
  cmd->add_flag("--overwrite", o->overwrite,
                "replace the config of an existing node (same factory)");
  cmd->callback([o, &g] {
    const std::string& dir = g.RequireWritablePond();
    const std::string path = NormalizePath(o->path);
    const factories::Factory& factory = factories::GetFactory(o->factory);
    const std::string raw = ReadHostFile(o->config, "config file");
    // Validated before the lock is taken; only the raw text is stored, so env()
    // secrets never reach the pond.
    const factories::Config config = factories::CheckConfig(factory, raw, o->config, g.vars);

    auto pond = store::Pond::OpenWrite(dir);
    {
      factories::View view(*pond, g.vars);
      factory.CheckInputs(view, path, config);
    }
    const bool existed = pond->Lookup(path, /*follow_last=*/false).has_value();
    auto txn = pond->Begin(g.argv, g.vars);
    txn->Mknod(path, factory.name(), raw, o->overwrite);
    txn->Commit();
    if (!g.quiet)
      std::printf("%s %s (%s) in transaction %lld\n", existed ? "updated" : "created", path.c_str(),
                  factory.name().c_str(), static_cast<long long>(txn->seq()));
  });
}

}  // namespace

POND_COMMAND("mknod", RegisterMknod);

}  // namespace pond::cli
