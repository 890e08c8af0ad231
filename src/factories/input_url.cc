#include "factories/input_url.h"

#include <vector>

#include "base/error.h"
#include "path/glob.h"

namespace pond::factories {

namespace {

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == sep)
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `%3B` → `;` (a tab or `&` can only be written so); a `%` not followed by two hex
// digits stays as written.
std::string PercentDecoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        HexDigit(text[i + 1]) >= 0 && HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

InputUrl ParseInputUrl(const std::string& text, const std::string& where, bool allow_host) {
  InputUrl url;
  url.text = text;
  const size_t sep = text.find("://");
  const auto bad = [&](const std::string& what) {
    return Error(what + " in input URL '" + text + "'", where);
  };
  std::string rest = text;
  if (sep != std::string::npos) {
    std::vector<std::string> words = Split(text.substr(0, sep), '+');
    size_t i = 0;
    if (words[i] == "host") {
      if (!allow_host) throw bad("host+ (a host file) is only for pond cat and copy");
      url.host = true;
      if (++i == words.size()) throw bad("missing format after host+");
    }
    const std::string& first = words[i++];
    bool entry_given = false;
    const auto entry_of = [](const std::string& w) {
      return w == "series" ? InputUrl::Entry::kSeries : InputUrl::Entry::kTable;
    };
    if (first == "series" || first == "table") {
      url.read = InputUrl::Read::kParquet;
      url.entry = entry_of(first);
      entry_given = true;
    } else if (first == "data") {
      url.read = InputUrl::Read::kBytes;
    } else if (first == "file") {
      url.read = InputUrl::Read::kNode;
    } else if (auto format = formats::FormatNamed(first)) {
      url.read = InputUrl::Read::kFormat;
      url.format = *format;
    } else {
      throw bad("unknown scheme '" + first +
                "' (expected file, series, table, data, csv, oteljson, excelhtml or jsonlogs)");
    }
    bool compressed = false;
    for (; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (auto c = formats::CompressionNamed(w)) {
        if (compressed) throw bad("repeated compression '" + w + "'");
        if (entry_given) throw bad("compression '" + w + "' after the entry type");
        url.compression = *c;
        compressed = true;
      } else if (w == "series" || w == "table") {
        if (entry_given) throw bad("repeated entry type '" + w + "'");
        entry_given = true;
        url.entry = entry_of(w);
        // file+series reads like series://; a format's table is what it parses.
        if (url.read == InputUrl::Read::kNode) url.read = InputUrl::Read::kParquet;
      } else {
        throw bad("unknown suffix '" + w + "' (expected gzip, zstd, bzip2, table or series)");
      }
    }
    if (url.read == InputUrl::Read::kBytes && entry_given) throw bad("data with an entry type");
    if (compressed && url.read != InputUrl::Read::kFormat)
      throw bad("compression without a format to parse (write csv+gzip:///…)");
    rest = text.substr(sep + 3);
    if (rest.empty() || rest[0] != '/')
      throw bad("a host, user or port (write scheme:///path, three slashes)");
  }
  if (rest.find('#') != std::string::npos) throw bad("a fragment");
  if (const size_t q = rest.find('?'); q != std::string::npos) {
    if (sep == std::string::npos) throw bad("options without a scheme");
    for (const std::string& pair : Split(rest.substr(q + 1), '&')) {
      const size_t eq = pair.find('=');
      if (pair.empty() || eq == std::string::npos || eq == 0)
        throw bad("option '" + pair + "' is not key=value");
      const std::string key = pair.substr(0, eq);
      if (url.options.count(key)) throw bad("repeated option '" + key + "'");
      url.options[key] = PercentDecoded(pair.substr(eq + 1));
    }
    rest = rest.substr(0, q);
  }
  if (!url.options.empty()) {
    if (url.read != InputUrl::Read::kFormat) throw bad("options for a scheme that takes none");
    try {
      formats::CheckOptions(url.format, url.options, where);
    } catch (const Error& e) {
      throw bad(e.message());
    }
  }
  url.glob = rest;
  if (!url.host) {
    try {
      CheckGlobPattern(url.glob);
    } catch (const Error& e) {
      throw Error(e.message() + ": " + text, where);
    }
  }
  return url;
}

}  // namespace pond::factories
