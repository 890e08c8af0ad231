// bzip2 through libbz2: every stream of a concatenated file, as `bzip2 -d` reads it
// (pbzip2 and lbzip2 write several).
#include <bzlib.h>

#include <vector>

#include "base/error.h"
#include "formats/decompress_stream.h"

namespace pond::formats {

namespace {

// One decompression stream, ended on scope exit; Restart begins the next one.
class Bunzip2 {
 public:
  explicit Bunzip2(const std::string& name) : name_(name) { Start(); }
  ~Bunzip2() { BZ2_bzDecompressEnd(&s_); }
  bz_stream& s() { return s_; }
  void Restart() {
    char* next_in = s_.next_in;
    const unsigned avail_in = s_.avail_in;
    BZ2_bzDecompressEnd(&s_);
    Start();
    s_.next_in = next_in;
    s_.avail_in = avail_in;
  }

 private:
  void Start() {
    s_ = bz_stream{};
    if (BZ2_bzDecompressInit(&s_, 0, 0) != BZ_OK) throw Error("cannot start bzip2", name_);
  }
  bz_stream s_{};
  std::string name_;
};

}  // namespace

void Bunzip2Stream(InputFile& in, OutputFile& out, const std::string& name) {
  Bunzip2 bz(name);
  bz_stream& s = bz.s();
  std::vector<char> in_buf(kDecompressBlock), out_buf(kDecompressBlock);
  bool streams = false;    // one stream ended, at least
  bool in_stream = false;  // a stream started and has not ended
  // A full output block may leave more output inside the library: ask again
  // before reading on (or ending).
  bool output_full = false;
  for (;;) {
    if (s.avail_in == 0 && !output_full) {
      const size_t n = in.Read(in_buf.data(), in_buf.size());
      if (n == 0) break;
      s.next_in = in_buf.data();
      s.avail_in = static_cast<unsigned>(n);
    }
    if (s.avail_in > 0) in_stream = true;
    s.next_out = out_buf.data();
    s.avail_out = static_cast<unsigned>(out_buf.size());
    const int rc = BZ2_bzDecompress(&s);
    out.Write(out_buf.data(), out_buf.size() - s.avail_out);
    output_full = s.avail_out == 0;
    if (rc == BZ_STREAM_END) {
      streams = true;
      in_stream = false;
      output_full = false;  // a stream's end is all of its output
      bz.Restart();
    } else if (rc != BZ_OK) {
      throw Error("not valid bzip2 data", name);
    }
  }
  if (in_stream || !streams) throw Error("not valid bzip2 data", name);
}

}  // namespace pond::formats
