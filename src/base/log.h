// The one logger: spdlog to stderr, level from POND_LOG (debug|info|warn|error;
// default warn), lines like `2025-09-23T10:02:11.123Z INFO export: wrote 20 files`.
// Colors only when stderr is a TTY and NO_COLOR is unset or empty.
#pragma once

#include <string>

namespace pond {

// Sets up the default spdlog logger. Throws pond::Error for an unknown POND_LOG value.
void InitLogging();

// True when stderr is a terminal (progress and colors are shown only then).
bool StderrIsTty();
// True when colors may be used on stderr (a TTY and NO_COLOR unset or empty).
bool UseColor();

// `pond: warning: <what> (<where>)` on stderr (always shown, also with --quiet).
void Warn(const std::string& what, const std::string& where = "");

}  // namespace pond
