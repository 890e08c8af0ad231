// sitegen (docs/sitegen.md): the config of a sitegen node, checked here. The factory
// itself (`pond run NODE build OUTDIR`) is still to come; so far its config is read
// and checked field by field, as a mknod or an apply of one will be.
#pragma once

#include "factories/factory.h"
#include "sitegen/config.h"

namespace pond::factories {

// The node's config with every default filled in; throws naming the field and line
// (`missing field 'title' (site.yaml:3)`).
sitegen::SiteConfig SitegenConfig(const Config& config);

}  // namespace pond::factories
