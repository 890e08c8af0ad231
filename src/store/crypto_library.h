// libcrypto (OpenSSL), loaded with dlopen on first use (internal to src/store/): only
// commands that hash blobs pay for loading it, ~1.5 ms of relocations that `list`,
// `log` and `describe` used to pay at every start. Every function called is one field
// here, typed from OpenSSL's own header.
#pragma once

#include <openssl/evp.h>

#include "base/shared_library.h"

namespace pond::store {

#define POND_CRYPTO_FUNCTIONS(X)                                                       \
  X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestInit_ex) X(EVP_DigestUpdate)      \
  X(EVP_DigestFinal_ex) X(EVP_sha256)

struct CryptoLibrary {
  POND_CRYPTO_FUNCTIONS(POND_LIBRARY_FIELD)
};

// libcrypto.so.3 from the loader's search path, loaded on the first call; throws
// pond::Error `cannot load libcrypto: …`.
const CryptoLibrary& Crypto();

}  // namespace pond::store
