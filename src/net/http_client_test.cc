#include "net/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "fake_hydrovu.h"

namespace pond::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(HttpClientTest, Encodings) {
  EXPECT_EQ(UrlEncode("a b&c=d/é~._-"), "a%20b%26c%3Dd%2F%C3%A9~._-");
  EXPECT_EQ(FormEncode({{"grant_type", "client_credentials"}, {"x y", "1+1"}}),
            "grant_type=client_credentials&x%20y=1%2B1");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("id:s3cr\xff"), "aWQ6czNjcv8=");
}

TEST(HttpClientTest, HeaderLookupIsCaseInsensitive) {
  HttpResponse r;
  r.headers = {{"Content-Type", "application/json"},
               {"X-ISI-Next-Page", "p2"},
               {"x-isi-next-page", "later"}};
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-isi-next-page"), "p2");  // the first one
  EXPECT_EQ(r.Header("retry-after"), std::nullopt);
}

TEST(HttpClientTest, RedactHeadersHidesAuthorization) {
  EXPECT_EQ(RedactHeaders({{"authorization", "Bearer abc"}, {"x-isi-start-page", "p2"}}),
            "authorization: ***, x-isi-start-page: p2");
  EXPECT_EQ(RedactHeaders({{"Authorization", "Basic aWQ6c2VjcmV0"}}), "Authorization: ***");
  EXPECT_EQ(RedactHeaders({{"X-Amz-Security-Token", "tok"}, {"x-amz-content-sha256", "e3b0"}}),
            "X-Amz-Security-Token: ***, x-amz-content-sha256: e3b0");
}

TEST(HttpClientTest, CurlGetAndFormPost) {
  pond::testing::FakeHydroVu fake;
  CurlTransport curl(HttpTimeouts{milliseconds(2000), milliseconds(5000)});

  // Not authorized: a status, not an exception.
  HttpResponse denied = curl.Send(HttpRequest::Get(fake.base_url() + "/v1/sispec/friendlynames"));
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.Header("CONTENT-TYPE"), "application/json");

  const auto& o = fake.options();
  HttpResponse token = curl.Send(HttpRequest::FormPost(
      fake.base_url() + "/oauth/token", {{"grant_type", "client_credentials"}},
      {{"Authorization", "Basic " + Base64Encode(o.client_id + ":" + o.client_secret)}}));
  EXPECT_EQ(token.status, 200);
  EXPECT_NE(token.body.find("access_token"), std::string::npos);

  auto posts = fake.requests_to("/oauth/token");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].body, "grant_type=client_credentials");
  EXPECT_EQ(posts[0].Header("content-type"), "application/x-www-form-urlencoded");

  // The same handle is reusable after a POST: the GET sends no body.
  HttpResponse again = curl.Send(
      HttpRequest::Get(fake.base_url() + "/v1/locations/list", {{"x-isi-start-page", "p9"}}));
  EXPECT_EQ(again.status, 401);
  auto gets = fake.requests_to("/v1/locations/list");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].method, "GET");
  EXPECT_EQ(gets[0].body, "");
  EXPECT_EQ(gets[0].Header("X-ISI-START-PAGE"), "p9");
}

TEST(HttpClientTest, ConnectionRefusedIsRetryable) {
  int port;
  { port = pond::testing::FakeHydroVu().port(); }  // a port that nobody listens on now
  CurlTransport curl(HttpTimeouts{milliseconds(1000), milliseconds(2000)});
  try {
    curl.Send(HttpRequest::Get("http://127.0.0.1:" + std::to_string(port) + "/x"));
    FAIL() << "expected a TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportError::Kind::kConnection) << e.what();
    EXPECT_TRUE(e.retryable());
  }
}

TEST(HttpClientTest, TotalTimeout) {
  pond::testing::FakeHydroVu fake;
  fake.HangApiCalls(1, milliseconds(5000));
  CurlTransport curl(HttpTimeouts{milliseconds(1000), milliseconds(300)});
  auto start = steady_clock::now();
  try {
    curl.Send(HttpRequest::Get(fake.base_url() + "/v1/sispec/friendlynames"));
    FAIL() << "expected a TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportError::Kind::kTimeout) << e.what();
    EXPECT_TRUE(e.retryable());
  }
  EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
}

TEST(HttpClientTest, OnlyHttpAndHttps) {
  CurlTransport curl(HttpTimeouts{});
  try {
    curl.Send(HttpRequest::Get("file:///etc/passwd"));
    FAIL() << "expected a TransportError";
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportError::Kind::kOther) << e.what();
    EXPECT_FALSE(e.retryable());
  }
}

}  // namespace
}  // namespace pond::net
