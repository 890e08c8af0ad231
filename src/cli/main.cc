// `pond`: parses global options, dispatches to the command, and is the one place
// where errors become a message and an exit status (0 ok, 1 error, 2 usage).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"

namespace {

int PrintError(const std::string& message, int code) {
  std::fflush(stdout);
  std::fprintf(stderr, "pond: error: %s\n", message.c_str());
  return code;
}

// The first word that is not a global option or its value: the command name.
std::optional<std::string> FirstCommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pond" || a == "-v" || a == "--var" || a == "--at") {
      ++i;
    } else if (a.empty() || a[0] != '-') {
      return a;
    }
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  using pond::cli::GlobalOptions;
  GlobalOptions g;
  for (int i = 0; i < argc; ++i) g.argv.emplace_back(argv[i]);
  g.argv[0] = "pond";

  CLI::App app{"DuckPond: a very small data lake for environmental time series", "pond"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may come before or after the command
  app.set_help_all_flag("--help-all", "show help for every command");
  app.add_option("--pond", g.pond_dir, "the pond directory (else $POND)")->envname("POND");
  app.add_option("-v,--var", g.var_pairs, "template variable key=value (repeatable)")
      ->allow_extra_args(false)
      ->check([](const std::string& pair) {
        try {
          pond::cli::ParseVarPair(pair);
          return std::string();
        } catch (const pond::Error& e) {
          return e.message();
        }
      })
      ->each([&g](const std::string& pair) {
        auto [key, value] = pond::cli::ParseVarPair(pair);
        g.vars.insert_or_assign(key, value);  // later wins
      });
  app.add_flag("--quiet", g.quiet, "print only data, warnings and errors");
  app.add_flag("--json", g.json, "machine-readable output");
  app.add_option("--at", g.at, "read the pond as of transaction SEQ");
  pond::cli::RegisterAllCommands(app, g);

  try {
    pond::InitLogging();
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::string msg = e.what();
      if (app.get_subcommands().empty()) {
        if (auto word = FirstCommandWord(argc, argv))
          msg = "unknown command '" + *word + "' (see 'pond --help')";
      }
      PrintError(msg, 2);
      std::string usage = "usage: pond";
      for (const auto* sub : app.get_subcommands()) usage += " " + sub->get_name();
      std::fprintf(stderr, "%s [OPTIONS]… (see 'pond%s --help')\n", usage.c_str(),
                   usage.substr(11).c_str());
      return 2;
    }
  } catch (const pond::UsageError& e) {
    return PrintError(e.what(), 2);
  } catch (const pond::Error& e) {
    return PrintError(e.what(), 1);
  } catch (const std::exception& e) {
    spdlog::debug("unexpected exception: {}", e.what());
    return PrintError(e.what(), 1);
  }
  return 0;
}
