// gzip through zlib: every member of a concatenated file, as `gzip -d` reads it.
#include <zlib.h>

#include <vector>

#include "base/error.h"
#include "formats/decompress_stream.h"

namespace pond::formats {

void GunzipStream(InputFile& in, OutputFile& out, const std::string& name) {
  z_stream z{};
  // 16 + window bits: gzip headers only, not zlib's or raw deflate.
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw Error("cannot start zlib", name);
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&z};
  std::vector<char> in_buf(kDecompressBlock), out_buf(kDecompressBlock);
  bool members = false;    // one member ended, at least
  bool in_member = false;  // a member started and has not ended
  // A full output block may leave more output inside the library: ask again
  // before reading on (or ending).
  bool output_full = false;
  for (;;) {
    if (z.avail_in == 0 && !output_full) {
      const size_t n = in.Read(in_buf.data(), in_buf.size());
      if (n == 0) break;
      z.next_in = reinterpret_cast<Bytef*>(in_buf.data());
      z.avail_in = static_cast<uInt>(n);
    }
    if (z.avail_in > 0) in_member = true;
    z.next_out = reinterpret_cast<Bytef*>(out_buf.data());
    z.avail_out = static_cast<uInt>(out_buf.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.Write(out_buf.data(), out_buf.size() - z.avail_out);
    output_full = z.avail_out == 0;
    if (rc == Z_STREAM_END) {
      members = true;
      in_member = false;
      output_full = false;  // a member's end is all of its output
      inflateReset(&z);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_BUF_ERROR: needs more input
      throw Error("not valid gzip data", name);
    }
  }
  if (in_member || !members) throw Error("not valid gzip data", name);
}

}  // namespace pond::formats
