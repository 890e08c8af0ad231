// `pond rm [-r] PATH`: removes a node's entry in one transaction (docs/storage.md,
// "Removing and moving"). History stays: reads --at an earlier transaction see it.
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct RmOptions {
  std::string path;
  bool recursive = false;
};

void RegisterRm(CLI::App& app, GlobalOptions& g) {
  static RmOptions o;
  auto* cmd = app.add_subcommand("rm", "remove a node (history stays readable with --at)");
  cmd->add_option("PATH", o.path, "pond path to remove")->required();
  cmd->add_flag("-r,--recursive", o.recursive, "remove a directory and everything below it");
  cmd->callback([&g] {
    auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
    auto txn = pond->Begin(g.argv, g.vars);
    const int removed = txn->Remove(o.path, o.recursive);
    txn->Commit();
    if (!g.quiet)
      std::printf("removed %s%s in transaction %lld\n", o.path.c_str(),
                  removed > 1 ? (" and " + std::to_string(removed - 1) + " below it").c_str() : "",
                  static_cast<long long>(txn->seq()));
  });
}

}  // namespace

POND_COMMAND("rm", RegisterRm);

}  // namespace pond::cli
