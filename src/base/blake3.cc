#include "base/blake3.h"

#include <blake3.h>

#include <cstddef>
#include <cstring>

#include "base/error.h"
#include "base/host_file.h"

namespace pond {

struct Blake3::State {
  blake3_hasher hasher;
};

Blake3::Blake3() : state_(std::make_unique<State>()) { blake3_hasher_init(&state_->hasher); }

Blake3::~Blake3() = default;
Blake3::Blake3(Blake3&&) noexcept = default;
Blake3& Blake3::operator=(Blake3&&) noexcept = default;

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

void Blake3::Reset() { blake3_hasher_reset(&state_->hasher); }

namespace {

// The fields before cv_stack, then its cv_stack_len entries in use.
constexpr std::string_view kStateTag = "blake3-c-" BLAKE3_VERSION_STRING "/";
constexpr size_t kStateFixed = offsetof(blake3_hasher, cv_stack);

}  // namespace

std::string Blake3::SaveState() const {
  const blake3_hasher& h = state_->hasher;
  const char* raw = reinterpret_cast<const char*>(&h);
  std::string out(kStateTag);
  out.append(raw, kStateFixed);
  out.append(reinterpret_cast<const char*>(h.cv_stack), size_t{h.cv_stack_len} * BLAKE3_OUT_LEN);
  return out;
}

bool Blake3::LoadState(std::string_view saved) {
  if (!saved.starts_with(kStateTag)) return false;
  saved.remove_prefix(kStateTag.size());
  if (saved.size() < kStateFixed) return false;
  blake3_hasher h{};
  std::memcpy(&h, saved.data(), kStateFixed);
  const size_t stack = saved.size() - kStateFixed;
  if (h.cv_stack_len > BLAKE3_MAX_DEPTH + 1 || stack != size_t{h.cv_stack_len} * BLAKE3_OUT_LEN ||
      h.chunk.buf_len > BLAKE3_BLOCK_LEN)
    return false;
  std::memcpy(h.cv_stack, saved.data() + kStateFixed, stack);
  state_->hasher = h;
  return true;
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
