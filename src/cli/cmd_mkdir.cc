// `pond mkdir [-p] PATH`: create a directory in one transaction (docs/cli.md).
#include "base/error.h"
#include "cli/command.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct MkdirOptions {
  std::string path;
  bool parents = false;
};

void RegisterMkdir(CLI::App& app, GlobalOptions& g) {
  static MkdirOptions o;
  auto* cmd = app.add_subcommand("mkdir", "create a directory");
  cmd->add_option("PATH", o.path, "pond path of the new directory")->required();
  cmd->add_flag("-p,--parents", o.parents, "create parents; an existing directory is fine");
  cmd->callback([&g] {
    auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
    auto txn = pond->Begin(g.argv, g.vars);
    txn->Mkdir(o.path, o.parents);
    txn->Commit();
    if (!g.quiet)
      std::printf("created %s in transaction %lld\n", o.path.c_str(),
                  static_cast<long long>(txn->seq()));
  });
}

}  // namespace

POND_COMMAND("mkdir", RegisterMkdir);

}  // namespace pond::cli
