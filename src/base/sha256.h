// SHA-256 of small inputs (a node's config, a cache key) by Nettle (Debian
// nettle-dev), linked directly: loading and initialising libcrypto costs ~2.5 ms
// (store/crypto_library.h), more than a pond `list` of a git tree spends on its own
// work, and Nettle is loaded with the binary for a fraction of that. Larger inputs
// still go through libcrypto (docs/storage.md, "Verified reads").
#pragma once

#include <string>
#include <string_view>

namespace pond {

// Inputs up to this size are hashed here; larger ones are libcrypto's.
constexpr size_t kSmallSha256Bytes = 64 << 10;

// Lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
std::string SmallSha256Hex(std::string_view bytes);

}  // namespace pond
