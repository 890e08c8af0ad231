// `pond`: parses global options, dispatches to the command, and is the one place
// where errors become a message and an exit status (0 ok, 1 error, 2 usage).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "cli/command.h"

namespace {

// Control characters (a path with a newline in it) escaped: an error is one line.
std::string OneLine(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

int PrintError(const std::string& message, int code) {
  std::fflush(stdout);
  std::fprintf(stderr, "pond: error: %s\n", OneLine(message).c_str());
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

// Levenshtein distance, for suggesting the command a typo meant.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The command closest to `word`, if it is within a third of the word's length.
std::string Nearest(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (const auto& n : names) {
    const size_t d = EditDistance(word, n);
    if (d < best_distance) {
      best_distance = d;
      best = n;
    }
  }
  return best;
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
  app.add_option_function<std::string>(
      "--at", [&g](const std::string& text) { g.at = pond::cli::ParseAt(text); },
      "read the pond as of transaction SEQ");
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
      // One line: CLI11's reason, then where to read the usage.
      std::string command = "pond";
      for (const auto* sub : app.get_subcommands()) command += " " + sub->get_name();
      std::string msg = std::string(e.what()) + " (see '" + command + " --help')";
      // The first word decides: `pond remote list` is an unknown `remote`, not a
      // `list` with a stray argument.
      if (auto word = FirstCommandWord(argc, argv)) {
        std::vector<std::string> names;
        for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
          names.push_back(sub->get_name());
        if (std::find(names.begin(), names.end(), *word) == names.end()) {
          const std::string near = Nearest(*word, names);
          msg = "unknown command '" + *word + "'" +
                (near.empty() ? "" : "; did you mean '" + near + "'?") + " (see 'pond --help')";
        }
      }
      return PrintError(msg, 2);
    }
  } catch (const std::bad_alloc&) {
    // What ran out is the machine's memory; the command is all there is to name.
    const auto word = FirstCommandWord(argc, argv);
    return PrintError("out of memory (pond " + word.value_or("") + ")", 1);
  } catch (const pond::ReportedError& e) {
    std::fprintf(stderr, "pond: %s\n", OneLine(e.what()).c_str());
    return 1;
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
