// libgit2, loaded with dlopen on first use (internal to src/git/): only commands that
// read or pull a git-ingest node pay for loading it and its TLS and SSH stacks, as for
// libcurl (docs/storage.md). Every function called is one field here, typed from
// git2.h itself.
#pragma once

#include <git2.h>

#include "base/shared_library.h"

namespace pond::git {

// One line per kind of libgit2 object.
// clang-format off
#define POND_GIT2_FUNCTIONS(X)                                                               \
  X(git_libgit2_init) X(git_libgit2_opts) X(git_error_last)                                  \
  X(git_repository_open_bare) X(git_repository_init) X(git_repository_free)                  \
  X(git_remote_create_with_fetchspec) X(git_remote_add_fetch) X(git_remote_lookup)           \
  X(git_remote_fetch) X(git_remote_url) X(git_remote_free)                                   \
  X(git_reference_lookup) X(git_reference_peel) X(git_reference_free)                        \
  X(git_reference_create) X(git_reference_target) X(git_reference_name)                     \
  X(git_reference_name_to_id)                                                                \
  X(git_reference_iterator_new) X(git_reference_next) X(git_reference_iterator_free)         \
  X(git_oid_fromstrn) X(git_oid_tostr_s) X(git_object_lookup) X(git_object_peel)             \
  X(git_object_id) X(git_object_free) X(git_commit_tree_id)                                  \
  X(git_tree_lookup) X(git_tree_entrycount) X(git_tree_entry_byindex) X(git_tree_entry_name) \
  X(git_tree_entry_id) X(git_tree_entry_filemode) X(git_tree_free)                           \
  X(git_blob_lookup) X(git_blob_rawcontent) X(git_blob_rawsize) X(git_blob_free)
// clang-format on

struct Git2Library {
  POND_GIT2_FUNCTIONS(POND_LIBRARY_FIELD)
};

// libgit2 from the loader's search path, loaded and initialised (git_libgit2_init)
// on the first call; throws pond::Error `cannot load libgit2: …`.
const Git2Library& Git2();

}  // namespace pond::git
