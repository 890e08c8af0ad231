#include "base/env_refs.h"

#include <cstdlib>

#include "base/error.h"

namespace pond {

std::string ExpandEnvRefs(std::string_view text, const std::string& where, bool strict) {
  static constexpr std::string_view kOpen = "${env:";
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) break;
    out.append(text.substr(i, dollar - i));
    if (text.substr(dollar, 2) == "$$") {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const size_t close = text.find('}', dollar);
    if (text.substr(dollar, kOpen.size()) != kOpen || close == std::string_view::npos ||
        close == dollar + kOpen.size()) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const std::string_view body = text.substr(dollar + kOpen.size(), close - dollar - kOpen.size());
    const size_t sep = body.find(":-");
    const std::string name(body.substr(0, sep));
    if (const char* value = std::getenv(name.c_str())) {
      out += value;
    } else if (sep != std::string_view::npos) {
      out.append(body.substr(sep + 2));
    } else if (strict) {
      throw Error("Environment variable '" + name + "' not set and no default provided", where);
    } else {
      out.append(text.substr(dollar, close + 1 - dollar));
    }
    i = close + 1;
  }
  if (i < text.size()) out.append(text.substr(i));
  return out;
}

}  // namespace pond
