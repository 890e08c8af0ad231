// The one error type of DuckPond. Every layer throws pond::Error; `main` catches it
// once and prints `pond: error: <what> (<where>)` with exit status 1 (or 2 for a
// UsageError). `where` names the thing at fault: a pond path, a host file,
// `file:line:col`, or an option.
#pragma once

#include <stdexcept>
#include <string>

namespace pond {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, std::string where = "")
      : std::runtime_error(where.empty() ? message : message + " (" + where + ")"),
        message_(std::move(message)),
        where_(std::move(where)) {}

  // The message without the location.
  const std::string& message() const { return message_; }
  // The thing at fault; empty when there is none.
  const std::string& where() const { return where_; }

 private:
  std::string message_;
  std::string where_;
};

// Bad command-line usage (unknown key, malformed option value): exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A failure whose details were already printed as their own `pond: error:` lines (one
// per failed device of a collect): `main` prints only the summary, `pond: <what>
// (<where>)`, and exits with status 1.
class ReportedError : public Error {
 public:
  using Error::Error;
};

}  // namespace pond
