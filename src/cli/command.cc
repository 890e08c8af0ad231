#include "cli/command.h"

#include <map>
#include <regex>

#include "base/error.h"

namespace pond::cli {

namespace {
std::map<std::string, RegisterFn>& Registry() {
  static std::map<std::string, RegisterFn> registry;
  return registry;
}
}  // namespace

CommandRegistrar::CommandRegistrar(const char* name, RegisterFn fn) { Registry()[name] = fn; }

void RegisterAllCommands(CLI::App& app, GlobalOptions& g) {
  for (const auto& [name, fn] : Registry()) fn(app, g);
}

const std::string& GlobalOptions::RequirePond() const {
  if (pond_dir.empty()) throw Error("no pond given (use --pond or POND)");
  return pond_dir;
}

std::pair<std::string, std::string> ParseVarPair(const std::string& pair) {
  static const std::regex key_re("[A-Za-z_][A-Za-z0-9_]*");
  auto eq = pair.find('=');
  if (eq == std::string::npos)
    throw UsageError("variable '" + pair + "' must be key=value", "-v");
  std::string key = pair.substr(0, eq);
  if (!std::regex_match(key, key_re))
    throw UsageError("variable name '" + key + "' must match [A-Za-z_][A-Za-z0-9_]*", "-v " + pair);
  return {key, pair.substr(eq + 1)};
}

}  // namespace pond::cli
