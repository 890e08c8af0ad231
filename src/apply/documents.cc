#include "apply/documents.h"

#include "base/error.h"

namespace pond::apply {

namespace {

struct Chunk {
  std::string text;
  int first_line = 0;
};

// Split on lines that are exactly `---` (a CR before the newline allowed), as the
// original does: `--- # note` or `--- !tag` stays inside a document.
std::vector<Chunk> SplitLines(const std::string& text) {
  std::vector<Chunk> chunks(1);
  int line = 0;
  for (size_t start = 0; start < text.size(); ++line) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view content(text.data() + start, end - start);
    if (content.ends_with('\r')) content.remove_suffix(1);
    if (content == "---") {
      chunks.push_back({"", line + 1});
    } else {
      chunks.back().text.append(text, start, end - start).append("\n");
    }
    start = end + 1;
  }
  return chunks;
}

}  // namespace

std::string Document::WhereLine(int line_in_document) const {
  if (line_in_document < 0) return origin;
  return origin + ":" + std::to_string(first_line + line_in_document + 1);
}

std::string Document::Where(const YAML::Node& node) const {
  return node.IsDefined() ? WhereLine(node.Mark().line) : origin;
}

std::vector<Document> ReadDocuments(const std::string& text, const std::string& file) {
  std::vector<Document> docs;
  for (const Chunk& chunk : SplitLines(text)) {
    Document doc{YAML::Node(), file + "[" + std::to_string(docs.size()) + "]", chunk.first_line};
    std::vector<YAML::Node> parsed;
    try {
      parsed = YAML::LoadAll(chunk.text);
    } catch (const YAML::Exception& e) {
      throw Error("invalid YAML: " + e.msg, doc.WhereLine(e.mark.line));
    }
    if (parsed.empty() || (parsed.size() == 1 && parsed[0].IsNull())) continue;
    if (parsed.size() > 1)
      throw Error(
          "more than one YAML document; separate documents with a line that is exactly "
          "'---'",
          doc.origin);
    doc.root = parsed[0];
    docs.push_back(std::move(doc));
  }
  if (docs.empty()) throw Error("no YAML documents", file);
  return docs;
}

}  // namespace pond::apply
