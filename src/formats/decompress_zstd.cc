// zstd through libzstd: every frame of the file (skippable ones skipped).
#include <zstd.h>

#include <vector>

#include "base/error.h"
#include "formats/decompress_stream.h"

namespace pond::formats {

void UnzstdStream(InputFile& in, OutputFile& out, const std::string& name) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  if (ctx == nullptr) throw Error("cannot start zstd", name);
  struct Free {
    ZSTD_DCtx* ctx;
    ~Free() { ZSTD_freeDCtx(ctx); }
  } free{ctx};
  std::vector<char> in_buf(kDecompressBlock), out_buf(kDecompressBlock);
  // ZSTD_decompressStream returns 0 exactly when a frame is complete and flushed.
  size_t pending = 1;
  bool any = false;
  for (size_t n; (n = in.Read(in_buf.data(), in_buf.size())) > 0;) {
    any = true;
    ZSTD_inBuffer src{in_buf.data(), n, 0};
    // Drain all output this input gives, even past the end of the input.
    while (src.pos < src.size || pending != 0) {
      ZSTD_outBuffer dst{out_buf.data(), out_buf.size(), 0};
      pending = ZSTD_decompressStream(ctx, &dst, &src);
      if (ZSTD_isError(pending)) throw Error("not valid zstd data", name);
      out.Write(out_buf.data(), dst.pos);
      if (src.pos == src.size && dst.pos < dst.size) break;  // wants more input
    }
  }
  if (!any || pending != 0) throw Error("not valid zstd data", name);
}

}  // namespace pond::formats
