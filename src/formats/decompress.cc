// Decompress (parsers.h): host files in and out, and the library for each compression.
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/error.h"
#include "formats/decompress_stream.h"
#include "formats/parsers.h"

namespace pond::formats {

InputFile::InputFile(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw Error(std::string("cannot read: ") + std::strerror(errno), path);
}

InputFile::~InputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

size_t InputFile::Read(char* buffer, size_t size) {
  const size_t n = std::fread(buffer, 1, size, file_);
  if (n == 0 && std::ferror(file_)) throw Error("cannot read", path_);
  return n;
}

OutputFile::OutputFile(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw Error(std::string("cannot write: ") + std::strerror(errno), path);
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void OutputFile::Write(const char* data, size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_) != size)
    throw Error(std::string("cannot write: ") + std::strerror(errno), path_);
}

void OutputFile::Close() {
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) throw Error(std::string("cannot write: ") + std::strerror(errno), path_);
}

void Decompress(Compression compression, const std::string& input, const std::string& output,
                const std::string& name) {
  try {
    InputFile in(input);
    OutputFile out(output);
    switch (compression) {
      case Compression::kGzip:
        GunzipStream(in, out, name);
        break;
      case Compression::kZstd:
        UnzstdStream(in, out, name);
        break;
      case Compression::kBzip2:
        Bunzip2Stream(in, out, name);
        break;
      case Compression::kNone:
        throw Error("no compression to undo", name);
    }
    out.Close();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(output, ec);
    throw;
  }
}

}  // namespace pond::formats
