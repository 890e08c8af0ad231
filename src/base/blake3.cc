#include "base/blake3.h"

#include <blake3.h>

#include "base/error.h"
#include "base/host_file.h"

namespace pond {

struct Blake3::State {
  blake3_hasher hasher;
};

Blake3::Blake3() : state_(std::make_unique<State>()) { blake3_hasher_init(&state_->hasher); }

Blake3::~Blake3() = default;

void Blake3::Update(std::string_view bytes) {
  blake3_hasher_update(&state_->hasher, bytes.data(), bytes.size());
}

std::string Blake3::HexDigest() const {
  uint8_t out[BLAKE3_OUT_LEN];
  blake3_hasher_finalize(&state_->hasher, out, BLAKE3_OUT_LEN);
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (uint8_t b : out) {
    text += hex[b >> 4];
    text += hex[b & 15];
  }
  return text;
}

std::string Blake3Hex(std::string_view bytes) {
  Blake3 h;
  h.Update(bytes);
  return h.HexDigest();
}

std::string Blake3OfFile(const std::string& path, int64_t n) {
  HostFileReader file(path);
  Blake3 h;
  const int64_t read = file.Read(n < 0 ? INT64_MAX : n, [&](std::string_view b) { h.Update(b); });
  if (n >= 0 && read < n) throw Error("file has fewer than " + std::to_string(n) + " bytes", path);
  return h.HexDigest();
}

}  // namespace pond
