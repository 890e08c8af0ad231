// Reading a whole host file (a config, an apply file) into memory.
#pragma once

#include <string>

namespace pond {

// The bytes of the host file `path`; throws `cannot read <what> (<path>)` when it
// cannot be opened or read (missing, a directory, no permission).
std::string ReadHostFile(const std::string& path, const std::string& what);

}  // namespace pond
