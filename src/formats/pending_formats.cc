// Stand-ins for the formats built on another branch (excel_html.cc, decompress.cc), so
// that this branch links. Delete this file when those files are merged.
#include "base/error.h"
#include "formats/parsers.h"

namespace pond::formats {

Parsed WriteExcelHtml(engine::Connection&, const std::string&, const std::string&,
                      const std::string& name) {
  throw Error("not yet built", name);
}

void Decompress(Compression, const std::string&, const std::string&, const std::string& name) {
  throw Error("not yet built", name);
}

}  // namespace pond::formats
