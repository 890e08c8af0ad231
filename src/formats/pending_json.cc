// Stands in for the JSON formats (oteljson, jsonlogs), written on another branch, so
// that this branch links. Delete this file when that branch is merged.
#include "base/error.h"
#include "formats/parsers.h"

namespace pond::formats {

Parsed WriteOtelJson(engine::Connection&, const std::string&, const std::string&,
                     const std::string& name) {
  throw Error("not yet built", name);
}

Parsed WriteJsonLogs(engine::Connection&, const std::string&, const std::string&,
                     const std::string& name) {
  throw Error("not yet built", name);
}

}  // namespace pond::formats
