// ReadHtmlFile (html_sax.h) over libxml2's HTML push parser: the one file that
// includes libxml2.
#include "formats/html_sax.h"

#include <libxml/HTMLparser.h>
#include <libxml/xmlversion.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "base/error.h"

namespace pond::formats {

std::optional<std::string_view> HtmlAttributes::Find(std::string_view name) const {
  if (pairs_ == nullptr) return std::nullopt;
  for (const char* const* p = pairs_; p[0] != nullptr; p += 2)
    if (name == p[0]) return p[1] == nullptr ? std::string_view() : std::string_view(p[1]);
  return std::nullopt;
}

int HtmlHandler::line() const {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(parser_);
  return ctxt != nullptr && ctxt->input != nullptr ? ctxt->input->line : 0;
}

void HtmlHandler::Stop() {
  stopped_ = true;
  if (parser_ != nullptr) xmlStopParser(static_cast<htmlParserCtxtPtr>(parser_));
}

// Owns the parse: libxml2's context, the SAX callbacks that call the handler, and
// the first exception a callback threw (C frames are not unwound through: the parse
// is stopped and the exception rethrown once libxml2 has returned).
class HtmlFileReader {
 public:
  HtmlFileReader(const std::string& name, HtmlHandler& handler) : name_(name), handler_(handler) {}

  void Read(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) throw Error(std::string("cannot read: ") + std::strerror(errno), path);
    htmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;  // so that `serror` below is used
    sax.startElement = &OnStart;
    sax.endElement = &OnEnd;
    sax.characters = &OnText;
    sax.ignorableWhitespace = &OnText;
    sax.cdataBlock = &OnScript;  // <script> and <style> bodies are not text
    sax.serror = &OnError;
    std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt(
        htmlCreatePushParserCtxt(&sax, this, nullptr, 0, path.c_str(), XML_CHAR_ENCODING_UTF8),
        &htmlFreeParserCtxt);
    if (!ctxt) throw Error("cannot start the HTML parser", path);
    htmlCtxtUseOptions(ctxt.get(), HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                       HTML_PARSE_IGNORE_ENC);
    handler_.parser_ = ctxt.get();
    struct Detach {
      HtmlHandler& h;
      ~Detach() { h.parser_ = nullptr; }
    } detach{handler_};

    std::vector<char> block(256 * 1024);
    for (;;) {
      const size_t n = std::fread(block.data(), 1, block.size(), file.get());
      if (n == 0 && std::ferror(file.get())) throw Error("cannot read", path);
      htmlParseChunk(ctxt.get(), block.data(), static_cast<int>(n), n == 0 ? 1 : 0);
      if (error_) std::rethrow_exception(error_);
      ResumeTagLookup(ctxt.get());
      if (handler_.stopped_ || n == 0) return;
    }
  }

 private:
  // libxml2 before 2.11 forgets which quote it was in when a block ends inside a
  // quoted attribute value (it keeps only a flag, in `hasPErefs`), then never sees
  // the tag's '>' and buffers the rest of the file: memory would follow the file.
  // Restarting that lookup from the tag's '<' costs a rescan of one tag.
  static void ResumeTagLookup(htmlParserCtxtPtr ctxt) {
#if LIBXML_VERSION < 21100
    if (ctxt->hasPErefs & 1) ctxt->checkIndex = 0;
#else
    (void)ctxt;
#endif
  }

  static HtmlFileReader& Self(void* user) { return *static_cast<HtmlFileReader*>(user); }

  // Runs a handler callback unless the read has ended; keeps its exception.
  template <class F>
  static void Call(void* user, F&& f) {
    HtmlFileReader& self = Self(user);
    if (self.error_ || self.handler_.stopped_) return;
    try {
      f(self.handler_);
    } catch (...) {
      self.error_ = std::current_exception();
      self.handler_.Stop();
    }
  }

  static void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
    Call(user, [&](HtmlHandler& h) {
      h.Start(reinterpret_cast<const char*>(name),
              HtmlAttributes(reinterpret_cast<const char* const*>(attributes)));
    });
  }
  static void OnEnd(void* user, const xmlChar* name) {
    Call(user, [&](HtmlHandler& h) { h.End(reinterpret_cast<const char*>(name)); });
  }
  static void OnText(void* user, const xmlChar* text, int len) {
    Call(user, [&](HtmlHandler& h) {
      h.Text(std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(len)));
    });
  }
  static void OnScript(void*, const xmlChar*, int) {}
  // Malformed HTML is recovered from, as a browser would; bytes that are not UTF-8
  // are an error of the file.
  static void OnError(void* user, xmlErrorPtr error) {
    if (error == nullptr || error->code != XML_ERR_INVALID_ENCODING) return;
    HtmlFileReader& self = Self(user);
    Call(user, [&](HtmlHandler&) -> void {
      throw Error("not valid UTF-8", self.name_ + ":" + std::to_string(error->line));
    });
  }

  const std::string& name_;
  HtmlHandler& handler_;
  std::exception_ptr error_;
};

void ReadHtmlFile(const std::string& path, const std::string& name, HtmlHandler& handler) {
  HtmlFileReader(name, handler).Read(path);
}

}  // namespace pond::formats
