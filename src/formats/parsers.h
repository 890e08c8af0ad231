// One function per format (format.h's WriteParquet dispatches): each reads a plain
// (decompressed) host file and writes `output` as Parquet. Internal to the layer.
#pragma once

#include <string>

#include "formats/format.h"

namespace pond::formats {

Parsed WriteCsv(engine::Connection& con, const Options& options, const std::string& input,
                const std::string& output, const std::string& name);
Parsed WriteOtelJson(engine::Connection& con, const std::string& input, const std::string& output,
                     const std::string& name);
Parsed WriteExcelHtml(engine::Connection& con, const std::string& input,
                      const std::string& output, const std::string& name);
Parsed WriteJsonLogs(engine::Connection& con, const std::string& input, const std::string& output,
                     const std::string& name);

// Writes the bytes of `input`, compressed as `compression` (not kNone), to `output`.
// A damaged or truncated stream throws `<name>: not valid <gzip|zstd|bzip2> data`.
void Decompress(Compression compression, const std::string& input, const std::string& output,
                const std::string& name);

}  // namespace pond::formats
