#include "git/git2_library.h"

#include "base/error.h"

namespace pond::git {

namespace {

Git2Library Load() {
  const std::string what = "libgit2";
  void* handle = OpenSharedLibrary({"libgit2.so.1.5", "libgit2.so"}, what);
  Git2Library lib;
  POND_GIT2_FUNCTIONS(POND_LIBRARY_SYMBOL)
  if (lib.git_libgit2_init() < 0) throw Error("cannot initialise libgit2");
  // A pond may be read by another user than the one who pulled (a service writes,
  // people read): the clone is data to us, no hook or config of it is ever run.
  lib.git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  // A fetch computes every object's id from its bytes as it indexes the pack, and each
  // later read inflates them through zlib's checksum: hashing them again on every read,
  // which git itself does not do, was a third of reading a blob (docs/git-ingest.md).
  lib.git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  return lib;
}

}  // namespace

const Git2Library& Git2() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const Git2Library lib = Load();
  return lib;
}

}  // namespace pond::git
