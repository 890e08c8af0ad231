// The RSS 2.0 feed sitegen writes as feed.xml when `site.site_url` is set (docs/
// sitegen.md, "Feed"): the dated, visible pages of one content section, newest first.
// It holds nothing that changes between builds of the same pages (no build time), so
// an unchanged feed keeps its bytes and its file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pond::sitegen {

struct FeedChannel {
  std::string title;        // the site's
  std::string site_url;     // "https://example.org"
  std::string base_url;     // "/" or "/noyo/"
  std::string description;  // `feed.description`, else the site's title
};

struct FeedItem {
  std::string title;
  std::string path;  // the page below base_url, "blog/spring.html"
  std::string date;  // YYYY-MM-DD (frontmatter, checked)
  std::optional<std::string> summary;
};

std::string RssFeed(const FeedChannel& channel, std::vector<FeedItem> items);

}  // namespace pond::sitegen
