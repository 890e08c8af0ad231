// Splitting an apply file into documents (documents.h): `---` lines only, empty
// documents skipped and not counted, errors naming file[index] and the file's line.
#include <gtest/gtest.h>

#include "apply/documents.h"
#include "base/error.h"

namespace pond::apply {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ReadDocuments(text, "f.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Documents, SeparatedByDashLinesEmptyOnesSkipped) {
  const std::vector<Document> docs =
      ReadDocuments("---\na: 1\n---\n# only a comment\n---\n\n---\r\nb:\n  c: 2\n", "f.yaml");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].origin, "f.yaml[0]");
  EXPECT_EQ(docs[0].root["a"].Scalar(), "1");
  EXPECT_EQ(docs[1].origin, "f.yaml[1]");
  // `c: 2` is on the file's line 9.
  EXPECT_EQ(docs[1].Where(docs[1].root["b"]["c"]), "f.yaml[1]:9");
}

TEST(Documents, ErrorsNameTheDocumentAndTheFilesLine) {
  EXPECT_EQ(ErrorOf("a: 1\n---\nb: [1\n"),
            "invalid YAML: end of sequence flow not found (f.yaml[1]:4)");
  EXPECT_EQ(ErrorOf("\n# nothing\n---\n"), "no YAML documents (f.yaml)");
  EXPECT_EQ(ErrorOf("a: 1\n--- # not a separator here\nb: 2\n"),
            "more than one YAML document; separate documents with a line that is exactly '---' "
            "(f.yaml[0])");
}

}  // namespace
}  // namespace pond::apply
