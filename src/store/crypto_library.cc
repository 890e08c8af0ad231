#include "store/crypto_library.h"

#include "base/shared_library.h"

namespace pond::store {

namespace {

CryptoLibrary Load() {
  void* handle = OpenSharedLibrary({"libcrypto.so.3"}, "libcrypto");
  CryptoLibrary lib;
#define POND_CRYPTO_LOAD(name) \
  lib.name =                   \
      reinterpret_cast<decltype(lib.name)>(SharedLibrarySymbol(handle, #name, "libcrypto"));
  POND_CRYPTO_FUNCTIONS(POND_CRYPTO_LOAD)
#undef POND_CRYPTO_LOAD
  return lib;
}

}  // namespace

const CryptoLibrary& Crypto() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const CryptoLibrary lib = Load();
  return lib;
}

}  // namespace pond::store
