#include "sitegen/feed.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "sitegen/escape.h"

namespace pond::sitegen {

namespace {

// RFC 822 as RSS wants it: "Tue, 01 Apr 2025 00:00:00 +0000".
std::string Rfc822(const std::string& date) {
  struct tm tm {};
  if (std::sscanf(date.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return "";
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t t = timegm(&tm);
  struct tm out {};
  gmtime_r(&t, &out);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d 00:00:00 +0000", kDays[out.tm_wday],
                out.tm_mday, kMonths[out.tm_mon], out.tm_year + 1900);
  return buf;
}

}  // namespace

std::string RssFeed(const FeedChannel& channel, std::vector<FeedItem> items) {
  std::string root = channel.site_url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  std::string base = channel.base_url;
  if (base.empty() || base.front() != '/') base.insert(base.begin(), '/');
  if (base.back() != '/') base += '/';
  root += base;
  std::stable_sort(items.begin(), items.end(), [](const FeedItem& a, const FeedItem& b) {
    return a.date != b.date ? a.date > b.date : a.title < b.title;
  });
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n"
      "<title>" + Escape(channel.title) + "</title>\n<link>" + Escape(root) +
      "</link>\n<description>" +
      Escape(channel.description.empty() ? channel.title : channel.description) +
      "</description>\n";
  for (const auto& item : items) {
    const std::string link = root + item.path;
    out += "<item>\n<title>" + Escape(item.title) + "</title>\n<link>" + Escape(link) +
           "</link>\n<guid>" + Escape(link) + "</guid>\n<pubDate>" + Rfc822(item.date) +
           "</pubDate>\n";
    if (item.summary) out += "<description>" + Escape(*item.summary) + "</description>\n";
    out += "</item>\n";
  }
  return out + "</channel>\n</rss>\n";
}

}  // namespace pond::sitegen
