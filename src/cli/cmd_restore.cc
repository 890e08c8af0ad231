// `pond restore URL DIR` (docs/backup.md): a new pond at DIR from the latest snapshot
// of a backup, identical to the pond when it was pushed.
#include <fmt/format.h>

#include "backup/backup.h"
#include "base/error.h"
#include "cli/command.h"
#include "cli/output_format.h"

namespace pond::cli {

namespace {

struct RestoreOptions {
  std::string url, dir;
};

void RegisterRestore(CLI::App& app, GlobalOptions& g) {
  static RestoreOptions o;
  auto* cmd = app.add_subcommand("restore", "create a pond from a backup's latest snapshot");
  cmd->add_option("URL", o.url, "s3://BUCKET/PREFIX or file:///ABSOLUTE/DIR")->required();
  cmd->add_option("DIR", o.dir, "the new pond's directory (missing or empty)")->required();
  cmd->callback([&g] {
    if (g.at) throw UsageError("restore always restores the latest snapshot", "--at");
    auto source = backup::OpenObjectStore(o.url);
    const store::RestoreStats s = backup::Restore(*source, o.dir);
    if (!g.quiet)
      PrintText(fmt::format("restored transaction {} into {} ({}, {:.1f} MiB)\n", s.last_seq, o.dir,
                            Plural(s.blobs, "blob"), static_cast<double>(s.bytes) / (1 << 20)));
  });
}

}  // namespace

POND_COMMAND("restore", RegisterRestore);

}  // namespace pond::cli
