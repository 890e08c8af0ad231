// `pond version` and `pond --version`: DuckPond's and DuckDB's versions.
#include "cli/command.h"
#include "engine/duckdb.h"

#ifndef POND_VERSION
#define POND_VERSION "0.0.0"
#endif

namespace pond::cli {

std::string VersionText() {
  return std::string("pond ") + POND_VERSION + " (DuckDB " + engine::LibraryVersion() + ")";
}

namespace {
void RegisterVersion(CLI::App& app, GlobalOptions&) {
  app.set_version_flag("--version", VersionText);
  auto* cmd = app.add_subcommand("version", "print pond's and DuckDB's versions");
  cmd->callback([] { std::printf("%s\n", VersionText().c_str()); });
}
}  // namespace

POND_COMMAND("version", RegisterVersion);

}  // namespace pond::cli
