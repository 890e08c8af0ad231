#include "sitegen/escape.h"

#include <gtest/gtest.h>

namespace pond::sitegen {
namespace {

TEST(Escape, HtmlEntities) {
  EXPECT_EQ(Escape("a<b> & \"c\" 'd'"), "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
}

TEST(Escape, UrlPathKeepsSlashesAndHiveKeysAndEncodesTheRest) {
  EXPECT_EQ(UrlPath("data/BDock/res=1h/year=2024/data_0.parquet"),
            "data/BDock/res=1h/year=2024/data_0.parquet");
  EXPECT_EQ(UrlPath("/sites/Noyo Center #2?.html"), "/sites/Noyo%20Center%20%232%3F.html");
  EXPECT_EQ(UrlPath("/100%/Grüße"), "/100%25/Gr%C3%BC%C3%9Fe");
}

}  // namespace
}  // namespace pond::sitegen
