// Until the parsers land (issue #32): each throws. Removed when they do.
#include "base/error.h"
#include "formats/parsers.h"
namespace pond::formats {
Parsed WriteOtelJson(engine::Connection&, const std::string&, const std::string&, const std::string& name) { throw Error("not yet", name); }
Parsed WriteExcelHtml(engine::Connection&, const std::string&, const std::string&, const std::string& name) { throw Error("not yet", name); }
Parsed WriteJsonLogs(engine::Connection&, const std::string&, const std::string&, const std::string& name) { throw Error("not yet", name); }
void Decompress(Compression, const std::string&, const std::string&, const std::string& name) { throw Error("not yet", name); }
}
