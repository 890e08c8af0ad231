#include "base/host_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace pond {

std::string ReadHostFile(const std::string& path, const std::string& what) {
  // A directory opens as a stream on Linux and reads as nothing: refuse it by name.
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) throw Error("cannot read " + what, path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + what, path);
  return text.str();
}

}  // namespace pond
