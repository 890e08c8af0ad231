#include "store/crypto_library.h"

#include "base/shared_library.h"

namespace pond::store {

namespace {

CryptoLibrary Load() {
  const std::string what = "libcrypto";
  void* handle = OpenSharedLibrary({"libcrypto.so.3"}, what);
  CryptoLibrary lib;
  POND_CRYPTO_FUNCTIONS(POND_LIBRARY_SYMBOL)
  return lib;
}

}  // namespace

const CryptoLibrary& Crypto() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const CryptoLibrary lib = Load();
  return lib;
}

}  // namespace pond::store
