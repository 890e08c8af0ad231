#include "base/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "base/error.h"

namespace pond {

namespace {

// `%L` prints one letter; log lines show the full upper-case level name (docs/cli.md).
class UpperLevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static const char* names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "OFF"};
    std::string_view name = names[static_cast<int>(msg.level)];
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<UpperLevelFlag>();
  }
};

}  // namespace

bool StderrIsTty() { return isatty(STDERR_FILENO) == 1; }

bool UseColor() {
  const char* no_color = std::getenv("NO_COLOR");
  return StderrIsTty() && (no_color == nullptr || *no_color == '\0');
}

void InitLogging() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      UseColor() ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  auto logger = std::make_shared<spdlog::logger>("pond", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<UpperLevelFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%*%$ %v");
  logger->set_formatter(std::move(formatter));
  const char* env = std::getenv("POND_LOG");
  std::string level = env != nullptr ? env : "";
  if (level.empty() || level == "warn" || level == "warning") {
    logger->set_level(spdlog::level::warn);
  } else if (level == "debug") {
    logger->set_level(spdlog::level::debug);
  } else if (level == "info") {
    logger->set_level(spdlog::level::info);
  } else if (level == "error") {
    logger->set_level(spdlog::level::err);
  } else if (level == "trace") {
    logger->set_level(spdlog::level::trace);
  } else {
    throw UsageError("unknown log level '" + level + "' (use debug, info, warn or error)",
                     "POND_LOG");
  }
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void Warn(const std::string& what, const std::string& where) {
  std::string line = "pond: warning: " + what + (where.empty() ? "" : " (" + where + ")") + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace pond
