// feed.xml: RSS 2.0 of a section's dated pages, newest first, escaped, stable.
#include "sitegen/feed.h"

#include <gtest/gtest.h>

namespace pond::sitegen {
namespace {

TEST(Feed, DatedPagesNewestFirst) {
  const std::string xml = RssFeed(
      {"Caspar Water", "https://casparwater.us/", "/", ""},
      {{"Winter & wells", "blog/winter.html", "2024-12-21", std::nullopt},
       {"Spring <report>", "blog/spring.html", "2025-04-01", "What the \"wells\" did"},
       {"Also spring", "blog/also.html", "2025-04-01", std::nullopt}});
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n"
            "<title>Caspar Water</title>\n<link>https://casparwater.us/</link>\n"
            "<description>Caspar Water</description>\n"
            "<item>\n<title>Also spring</title>\n<link>https://casparwater.us/blog/also.html</link>\n"
            "<guid>https://casparwater.us/blog/also.html</guid>\n"
            "<pubDate>Tue, 01 Apr 2025 00:00:00 +0000</pubDate>\n</item>\n"
            "<item>\n<title>Spring &lt;report&gt;</title>\n"
            "<link>https://casparwater.us/blog/spring.html</link>\n"
            "<guid>https://casparwater.us/blog/spring.html</guid>\n"
            "<pubDate>Tue, 01 Apr 2025 00:00:00 +0000</pubDate>\n"
            "<description>What the &quot;wells&quot; did</description>\n</item>\n"
            "<item>\n<title>Winter &amp; wells</title>\n"
            "<link>https://casparwater.us/blog/winter.html</link>\n"
            "<guid>https://casparwater.us/blog/winter.html</guid>\n"
            "<pubDate>Sat, 21 Dec 2024 00:00:00 +0000</pubDate>\n</item>\n"
            "</channel>\n</rss>\n");
}

TEST(Feed, BelowABaseUrlWithADescription) {
  const std::string xml =
      RssFeed({"Noyo", "https://example.org", "noyo", "Harbour news"},
              {{"Buoy back", "news/buoy.html", "2024-02-29", std::nullopt}});
  EXPECT_NE(xml.find("<link>https://example.org/noyo/</link>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<description>Harbour news</description>"), std::string::npos);
  EXPECT_NE(xml.find("<link>https://example.org/noyo/news/buoy.html</link>"), std::string::npos);
  EXPECT_NE(xml.find("<pubDate>Thu, 29 Feb 2024 00:00:00 +0000</pubDate>"), std::string::npos);
  // No items: still a channel.
  EXPECT_NE(RssFeed({"Noyo", "https://example.org", "/", ""}, {}).find("</channel>"),
            std::string::npos);
}

}  // namespace
}  // namespace pond::sitegen
