#include "cli/command.h"

#include <cctype>
#include <charconv>

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

const std::string& GlobalOptions::RequireWritablePond() const {
  if (at) throw UsageError("--at is only for read-only commands", "--at");
  return RequirePond();
}

CLI::Validator AtLeast(int64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        int64_t v = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || ptr != end || ec != std::errc() || v < min)
          return "must be a whole number >= " + std::to_string(min) + ", got '" + text + "'";
        return "";
      },
      "INT>=" + std::to_string(min));
}

int64_t ParseAt(const std::string& text) {
  int64_t seq = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, seq);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || ptr != end)
    throw UsageError("not a transaction number: '" + text + "'", "--at");
  if (ec == std::errc::result_out_of_range)
    throw UsageError("no transaction " + text + ": out of range", "--at");
  return seq;
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
