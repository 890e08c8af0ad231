// The resources `pond apply` files declare (docs/apply.md, "Format"): every document
// read, its keys and kinds checked, mknod configs validated by their factory and copy
// sources listed, all before the pond is opened. Errors are one line naming the
// document: `unknown key 'specs' (water.yaml[3])`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "apply/mknod_config.h"
#include "factories/factory.h"
#include "store/host_copy.h"

namespace pond::apply {

// In the order a batch applies them: every mkdir, then copy, then mknod.
enum class Kind { kMkdir, kCopy, kMknod };

struct Resource {
  Kind kind = Kind::kMkdir;
  std::string path;    // normalized pond path (metadata.path)
  std::string origin;  // `water.yaml[3]`, for errors

  // mknod
  const factories::Factory* factory = nullptr;
  MknodConfig config;

  // copy
  std::string source;  // the host path spec.source names, expanded
  store::HostTree tree;
  bool overwrite = false;
};

// The resources of `files` (host paths, as given), in application order: kind, then
// path depth, then path. Each config is expanded with the environment and `vars` for
// its check only. Throws pond::Error for the first problem: an unreadable file, bad
// YAML, an unknown, missing or mistyped key, `version` other than `v1`, an unknown
// kind or factory, a config its factory refuses, a copy source that is missing or not
// a `host:///` URL, a path claimed twice (`duplicate path '/x' (b.yaml[2], first in
// a.yaml[0])`).
std::vector<Resource> ReadResources(const std::vector<std::string>& files,
                                    const std::map<std::string, std::string>& vars);

}  // namespace pond::apply
