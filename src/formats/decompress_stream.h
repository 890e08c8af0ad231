// The two host files a decompressor streams between, in fixed-size blocks, and one
// function per compression library (each in its own decompress_<name>.cc, the only
// file that includes that library's header). Internal to the formats layer.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace pond::formats {

// Reads a host file block by block. Throws Error `cannot read` naming the path.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Fills `buffer` with up to `size` bytes; 0 only at the end of the file.
  size_t Read(char* buffer, size_t size);

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

// Writes a new host file. Throws Error `cannot write` naming the path (a full disk
// too, at the latest from Close()).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Write(const char* data, size_t size);
  void Close();

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

// The block size of both sides: large enough that a library call is cheap next to
// the bytes it handles, small enough that memory does not follow the file.
inline constexpr size_t kDecompressBlock = 256 * 1024;

// Each decodes all of `in` (every concatenated member/frame/stream) into `out`, and
// throws `not valid <gzip|zstd|bzip2> data` naming `name` for damaged, truncated or
// empty input.
void GunzipStream(InputFile& in, OutputFile& out, const std::string& name);
void UnzstdStream(InputFile& in, OutputFile& out, const std::string& name);
void Bunzip2Stream(InputFile& in, OutputFile& out, const std::string& name);

}  // namespace pond::formats
