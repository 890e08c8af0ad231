// The YAML documents of one `pond apply` file (docs/apply.md, "Format"): separated by
// lines that are exactly `---`, empty ones skipped, each parsed on its own so that an
// error names the file, the document and the line of the file.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pond::apply {

struct Document {
  YAML::Node root;     // a map is not checked here
  std::string origin;  // `water.yaml[3]`: the file as given, the 0-based document index
  int first_line = 0;  // 0-based line of the file where the document's text begins

  // `water.yaml[3]:12`: origin and the file's 1-based line of `node`; origin alone
  // when the node has no position.
  std::string Where(const YAML::Node& node) const;
  // The same for a 0-based line of the document's text.
  std::string WhereLine(int line_in_document) const;
};

// The non-empty documents of `text`, read from host file `file`. A document holding
// only blanks and comments is skipped and not counted. Throws pond::Error:
// `invalid YAML: <why> (<file>[i]:<line>)`, `more than one YAML document; separate
// documents with a line that is exactly '---' (<file>[i])`, `no YAML documents
// (<file>)`.
std::vector<Document> ReadDocuments(const std::string& text, const std::string& file);

}  // namespace pond::apply
