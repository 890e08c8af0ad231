// sitegen (docs/sitegen.md): an executable node; `pond run NODE build OUTDIR` builds
// the site (src/site). Its config, checked here.
#pragma once

#include "factories/factory.h"
#include "sitegen/config.h"

namespace pond::factories {

// The node's config with every default filled in; throws naming the field and line
// (`missing field 'title' (site.yaml:3)`).
sitegen::SiteConfig SitegenConfig(const Config& config);

}  // namespace pond::factories
