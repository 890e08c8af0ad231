// How CLI commands plug into `pond`: one file per command (cmd_<name>.cc), each
// defining one Register function that adds its CLI11 subcommand. Callbacks throw
// pond::Error on failure; main() catches it once and prints `pond: error: …`.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pond::cli {

// Options every command sees (docs/cli.md, "Global options"). Filled in before any
// subcommand callback runs.
struct GlobalOptions {
  std::string pond_dir;                     // --pond, else $POND; empty if neither
  std::vector<std::string> var_pairs;       // raw `-v key=value` as given
  std::map<std::string, std::string> vars;  // parsed -v variables; later wins
  bool quiet = false;
  bool json = false;
  std::optional<int64_t> at;                // --at SEQ
  std::vector<std::string> argv;            // the whole command line, for the transaction log

  // The pond directory; throws Error("no pond given (use --pond or POND)") when unset.
  const std::string& RequirePond() const;
  // RequirePond for a command that writes: --at (a view of the past) is refused,
  // as a UsageError naming it, before anything is opened.
  const std::string& RequireWritablePond() const;
};

// A CLI11 check for an integer option: a whole number, at least `min`, else the
// one-line `must be a whole number >= 1, got '-5'` (CLI11's own range check prints
// the bound of a double).
CLI::Validator AtLeast(int64_t min);

// The value of --at: a transaction number (digits only); throws UsageError naming
// --at for anything else ('', signs, letters, a number past int64).
int64_t ParseAt(const std::string& text);

// Parses one `key=value` pair; throws UsageError naming the pair when malformed
// (key must match [A-Za-z_][A-Za-z0-9_]*).
std::pair<std::string, std::string> ParseVarPair(const std::string& pair);

// Each command file adds its CLI11 subcommand in one Register function and
// registers it with POND_COMMAND(name, fn) at file scope. The `pond` executable
// compiles every cmd_*.cc directly, so each registration runs at start-up.
using RegisterFn = void (*)(CLI::App& app, GlobalOptions& g);
struct CommandRegistrar {
  CommandRegistrar(const char* name, RegisterFn fn);
};
#define POND_COMMAND(name, fn) \
  static const ::pond::cli::CommandRegistrar pond_command_registrar_##fn(name, fn)

// Adds every registered command to `app`, in name order.
void RegisterAllCommands(CLI::App& app, GlobalOptions& g);

// Declared here for src/cli/cmd_render.cc, which registers it with POND_COMMAND.
void RegisterRender(CLI::App& app, GlobalOptions& g);

}  // namespace pond::cli
