// SHA-256 (FIPS 180-4) in plain C++, for small inputs: a node's config, a cache key.
// Loading and initialising libcrypto costs ~2.5 ms (store/crypto_library.h), more than
// a pond `list` of a git tree spends on its own work; hashing a 1 KB config here takes
// microseconds. Larger inputs still go through libcrypto, whose assembly is faster
// (docs/storage.md, "Verified reads").
#pragma once

#include <string>
#include <string_view>

namespace pond {

// Inputs up to this size are hashed here; larger ones are libcrypto's.
constexpr size_t kSmallSha256Bytes = 64 << 10;

// Lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
std::string SmallSha256Hex(std::string_view bytes);

}  // namespace pond
