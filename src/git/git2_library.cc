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
  return lib;
}

}  // namespace

const Git2Library& Git2() {
  // A throwing initializer leaves the static unset: the next call tries again.
  static const Git2Library lib = Load();
  return lib;
}

}  // namespace pond::git
