// Input patterns as configs write them (docs/inputs.md): a bare pond glob, or a URL
//   [host+]FORMAT[+COMPRESSION][+ENTRYTYPE]:///GLOB[?OPTIONS]
// naming how each match is read: as the node it is (`file`, bare), a data node's
// bytes as Parquet (`series`, `table`), its bytes (`data`), or parsed by a format
// (`csv`, `oteljson`, `excelhtml`, `jsonlogs`; formats/format.h).
#pragma once

#include <string>

#include "formats/format.h"

namespace pond::factories {

struct InputUrl {
  enum class Read {
    kNode,     // bare or file://: the node as it reads (rows or bytes)
    kParquet,  // series:// or table://: tables and series as they are, data nodes as Parquet
    kBytes,    // data://: a data node's bytes
    kFormat,   // a format parses the bytes
  };
  std::string text;  // as written: errors and identities name it
  std::string glob;  // the pond glob (or host glob with `host`)
  Read read = Read::kNode;
  formats::Format format = formats::Format::kCsv;  // for kFormat
  // The entry type a URL names (`series://`, `csv+table://`); none when it names none.
  enum class Entry { kNone, kTable, kSeries };
  Entry entry = Entry::kNone;
  formats::Compression compression = formats::Compression::kNone;  // kFormat only
  formats::Options options;
  bool host = false;  // `host+`: the glob is a host path (pond cat only)

};

// Parses `text`; throws one line naming what is wrong and `where`: an unknown scheme
// or suffix, a repeated one, a host, port, user or fragment, an unknown option, an
// invalid glob. `host+` is refused unless `allow_host`.
InputUrl ParseInputUrl(const std::string& text, const std::string& where, bool allow_host = false);

}  // namespace pond::factories
