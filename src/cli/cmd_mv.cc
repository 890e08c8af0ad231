// `pond mv SRC DST`: renames a node's entry in one transaction (docs/storage.md,
// "Removing and moving"). The node keeps its versions; reads --at earlier
// transactions still find it at SRC.
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct MvOptions {
  std::string src, dst;
};

void RegisterMv(CLI::App& app, GlobalOptions& g) {
  static MvOptions o;
  auto* cmd = app.add_subcommand("mv", "move or rename a node");
  cmd->add_option("SRC", o.src, "pond path to move")->required();
  cmd->add_option("DST", o.dst, "its new pond path (must not exist)")->required();
  cmd->callback([&g] {
    auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
    auto txn = pond->Begin(g.argv, g.vars);
    txn->Move(o.src, o.dst);
    txn->Commit();
    if (!g.quiet)
      std::printf("moved %s to %s in transaction %lld\n", o.src.c_str(), o.dst.c_str(),
                  static_cast<long long>(txn->seq()));
  });
}

}  // namespace

POND_COMMAND("mv", RegisterMv);

}  // namespace pond::cli
