// HydroVuClient against a scripted transport (no sockets): retry and refresh
// rules, and the response parsers. The same rules against the real HTTP stack
// and the fake server are in collector_test.cc.
#include "hydrovu/client.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <variant>

namespace pond::hydrovu {
namespace {

using std::chrono::milliseconds;

net::HttpResponse Reply(int status, std::string body = "{}", net::HttpHeaders headers = {}) {
  return net::HttpResponse{status, std::move(headers), std::move(body)};
}

const char* kToken = R"({"access_token": "tok-SECRET", "expires_in": 3600})";
const char* kPage = R"({"locationId": 123, "parameters": [{"parameterId": "1", "unitId": "1",
    "readings": [{"timestamp": 1719792000, "value": 18.25}]}]})";

// Answers requests from a script; records them.
class ScriptedTransport : public net::HttpTransport {
 public:
  using Step = std::variant<net::HttpResponse, net::TransportError>;
  std::deque<Step> script;
  std::vector<net::HttpRequest> sent;

  net::HttpResponse Send(const net::HttpRequest& request) override {
    sent.push_back(request);
    if (script.empty()) throw std::logic_error("script exhausted at " + request.url);
    Step step = std::move(script.front());
    script.pop_front();
    if (auto* error = std::get_if<net::TransportError>(&step)) throw *error;
    return std::get<net::HttpResponse>(step);
  }
};

class HydroVuClientTest : public ::testing::Test {
 protected:
  HydroVuClientTest() {
    config_.client_id = "id";
    config_.client_secret = "secret";
    config_.base_url = "http://hydrovu.test/public-api";
    config_.retry_attempts = 3;
    config_.retry_base_ms = 10;
  }

  HydroVuClient Client() {
    return HydroVuClient(config_, transport_, [this](milliseconds d) { sleeps_.push_back(d); });
  }

  // Fetches location 123 from 0; returns the pages' point counts.
  std::vector<int64_t> Fetch(HydroVuClient& client) {
    std::vector<int64_t> points;
    client.FetchData(123, 0, [&](HydroVuDataPage&& page, int) {
      points.push_back(page.points());
      return true;
    });
    return points;
  }

  std::string ErrorOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  HydroVuConfig config_;
  ScriptedTransport transport_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(HydroVuClientTest, TokenRequestShape) {
  transport_.script = {Reply(200, kToken), Reply(200, kPage)};
  HydroVuClient client = Client();
  Fetch(client);
  ASSERT_EQ(transport_.sent.size(), 2u);
  const net::HttpRequest& token = transport_.sent[0];
  EXPECT_EQ(token.method, net::HttpRequest::Method::kPost);
  EXPECT_EQ(token.url, "http://hydrovu.test/public-api/oauth/token");
  EXPECT_EQ(token.body, "grant_type=client_credentials");
  EXPECT_EQ(token.content_type, "application/x-www-form-urlencoded");
  net::HttpResponse as_headers{0, token.headers, ""};
  EXPECT_EQ(as_headers.Header("authorization"), "Basic " + net::Base64Encode("id:secret"));
  const net::HttpRequest& data = transport_.sent[1];
  EXPECT_EQ(data.url, "http://hydrovu.test/public-api/v1/locations/123/data?startTime=0");
  EXPECT_EQ((net::HttpResponse{0, data.headers, ""}.Header("Authorization")), "Bearer tok-SECRET");
}

TEST_F(HydroVuClientTest, BackoffDoublesThenSucceeds) {
  transport_.script = {Reply(200, kToken), Reply(500), Reply(502),
                       net::TransportError(net::TransportError::Kind::kTimeout, "timed out"),
                       Reply(200, kPage)};
  HydroVuClient client = Client();
  EXPECT_EQ(Fetch(client), std::vector<int64_t>{1});
  EXPECT_EQ(sleeps_,
            (std::vector<milliseconds>{milliseconds(10), milliseconds(20), milliseconds(40)}));
}

TEST_F(HydroVuClientTest, RetriesExhausted) {
  transport_.script = {Reply(200, kToken), Reply(503), Reply(503), Reply(503), Reply(503)};
  HydroVuClient client = Client();
  EXPECT_EQ(ErrorOf([&] { Fetch(client); }),
            "HydroVu request failed after 4 attempts: HTTP 503 (device 123, page 1)");
  EXPECT_EQ(sleeps_.size(), 3u);
}

TEST_F(HydroVuClientTest, RetryAfterHonouredAndCapped) {
  transport_.script = {Reply(200, kToken), Reply(429, "{}", {{"retry-after", "2"}}),
                       Reply(429, "{}", {{"Retry-After", "99999"}}),
                       Reply(429, "{}", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}),
                       Reply(200, kPage)};
  HydroVuClient client = Client();
  Fetch(client);
  EXPECT_EQ(sleeps_,
            (std::vector<milliseconds>{milliseconds(2000), net::kMaxRetryAfter, milliseconds(40)}));
}

TEST_F(HydroVuClientTest, OtherClientErrorsAreNotRetried) {
  transport_.script = {Reply(200, kToken), Reply(404)};
  HydroVuClient client = Client();
  EXPECT_EQ(ErrorOf([&] { Fetch(client); }),
            "HydroVu request failed (HTTP 404) (device 123, page 1)");
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HydroVuClientTest, NonRetryableTransportError) {
  transport_.script = {Reply(200, kToken),
                       net::TransportError(net::TransportError::Kind::kOther, "bad URL")};
  HydroVuClient client = Client();
  EXPECT_EQ(ErrorOf([&] { Fetch(client); }),
            "HydroVu request failed: bad URL (device 123, page 1)");
}

TEST_F(HydroVuClientTest, Refresh401Once) {
  transport_.script = {Reply(200, kToken), Reply(401), Reply(200, R"({"access_token": "tok-2"})"),
                       Reply(200, kPage)};
  HydroVuClient client = Client();
  Fetch(client);
  EXPECT_EQ((net::HttpResponse{0, transport_.sent[3].headers, ""}.Header("Authorization")),
            "Bearer tok-2");
}

TEST_F(HydroVuClientTest, Second401FailsTheRequest) {
  transport_.script = {Reply(200, kToken), Reply(401), Reply(200, kToken), Reply(401)};
  HydroVuClient client = Client();
  EXPECT_EQ(ErrorOf([&] { Fetch(client); }),
            "HydroVu rejected a fresh access token (HTTP 401) (device 123, page 1)");
}

TEST_F(HydroVuClientTest, TokenRejected) {
  for (int status : {400, 401}) {
    transport_.script = {Reply(status, R"({"error": "invalid_client"})")};
    HydroVuClient client = Client();
    try {
      client.Authenticate();
      FAIL();
    } catch (const HydroVuAuthError& e) {
      EXPECT_EQ(std::string(e.what()),
                "HydroVu authentication failed (HTTP " + std::to_string(status) + ")");
      EXPECT_EQ(e.where(), "");
    }
  }
}

TEST_F(HydroVuClientTest, TokenServerDownIsARunFailure) {
  transport_.script = {Reply(503), Reply(503), Reply(503), Reply(503)};
  HydroVuClient client = Client();
  EXPECT_THROW(client.Authenticate(), HydroVuAuthError);
  transport_.script = {Reply(200, R"({"token": "x"})")};
  try {
    client.Authenticate();
    FAIL();
  } catch (const HydroVuAuthError& e) {
    EXPECT_STREQ(e.what(), "malformed HydroVu response: missing 'access_token' (token)");
  }
}

TEST_F(HydroVuClientTest, PagingFollowsNextPageHeader) {
  transport_.script = {Reply(200, kToken), Reply(200, kPage, {{"X-Isi-Next-Page", "abc"}}),
                       Reply(200, kPage, {{"x-isi-next-page", ""}})};
  HydroVuClient client = Client();
  EXPECT_EQ(Fetch(client), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ((net::HttpResponse{0, transport_.sent[1].headers, ""}.Header("x-isi-start-page")),
            std::nullopt);
  EXPECT_EQ((net::HttpResponse{0, transport_.sent[2].headers, ""}.Header("x-isi-start-page")),
            "abc");
  EXPECT_EQ(transport_.sent[2].url, transport_.sent[1].url);
}

TEST_F(HydroVuClientTest, PagingThatDoesNotAdvanceFails) {
  transport_.script = {Reply(200, kToken), Reply(200, kPage, {{"x-isi-next-page", "same"}}),
                       Reply(200, kPage, {{"x-isi-next-page", "same"}})};
  HydroVuClient client = Client();
  EXPECT_EQ(ErrorOf([&] { Fetch(client); }), "HydroVu paging did not advance (device 123, page 2)");
}

TEST_F(HydroVuClientTest, SinkCanStopPaging) {
  transport_.script = {Reply(200, kToken), Reply(200, kPage, {{"x-isi-next-page", "p2"}})};
  HydroVuClient client = Client();
  int pages = 0;
  client.FetchData(123, 5, [&](HydroVuDataPage&&, int) { return ++pages < 1; });
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(transport_.sent.size(), 2u);
}

TEST(HydroVuResponseTest, DataPage) {
  HydroVuDataPage page = ParseDataPage(
      R"({"parameters": [{"parameterId": 19, "unitId": "117", "readings": [
            {"timestamp": 1719792000, "value": 8.41}, {"timestamp": 1719792900, "value": null},
            {"timestamp": 1719793800, "value": 7}]}]})",
      "w");
  ASSERT_EQ(page.parameters.size(), 1u);
  EXPECT_EQ(page.parameters[0].parameter_id, "19");
  EXPECT_EQ(page.parameters[0].unit_id, "117");
  EXPECT_EQ(page.points(), 3);
  EXPECT_EQ(page.parameters[0].readings[0].value, 8.41);
  EXPECT_EQ(page.parameters[0].readings[1].value, std::nullopt);
  EXPECT_EQ(page.parameters[0].readings[2].value, 7.0);
}

TEST(HydroVuResponseTest, MalformedMessages) {
  auto error = [](auto parse, const std::string& body) -> std::string {
    try {
      parse(body, "device 123, page 2");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  auto data = [](const std::string& b, const std::string& w) { ParseDataPage(b, w); };
  EXPECT_EQ(error(data, R"({"locationId": 123})"),
            "malformed HydroVu response: missing 'parameters' (device 123, page 2)");
  EXPECT_EQ(error(data, R"({"parameters": [{"parameterId": "1", "unitId": "1", "readi)"),
            "malformed HydroVu response: invalid JSON (device 123, page 2)");
  EXPECT_EQ(error(data, R"({"parameters": [{"unitId": "1", "readings": []}]})"),
            "malformed HydroVu response: missing 'parameterId' (device 123, page 2)");
  EXPECT_EQ(error(data, R"({"parameters": [{"parameterId": "1", "unitId": "1",
                             "readings": [{"timestamp": "noon", "value": 1}]}]})"),
            "malformed HydroVu response: 'timestamp' is not an integer (device 123, page 2)");
  EXPECT_EQ(error(data, R"({"parameters": [{"parameterId": "1", "unitId": "1",
                             "readings": [{"timestamp": 1, "value": "1.5"}]}]})"),
            "malformed HydroVu response: 'value' is not a number (device 123, page 2)");
  EXPECT_EQ(error(data, R"({"parameters": [{"parameterId": "1", "unitId": "1",
                             "readings": [{"timestamp": 1719792000000, "value": 1}]}]})"),
            "HydroVu timestamp 1719792000000 is past the year 3000 (milliseconds instead of "
            "seconds?) (device 123, page 2)");
  EXPECT_EQ(error(data, "[]"),
            "malformed HydroVu response: expected an object holding 'parameters' (device 123, "
            "page 2)");
  auto names = [](const std::string& b, const std::string& w) { ParseFriendlyNames(b, w); };
  EXPECT_EQ(error(names, R"({"parameters": {}})"),
            "malformed HydroVu response: missing 'units' (device 123, page 2)");
  auto locations = [](const std::string& b, const std::string& w) { ParseLocations(b, w); };
  EXPECT_EQ(error(locations, R"([{"name": "x"}])"),
            "malformed HydroVu response: missing 'id' (device 123, page 2)");
  // The token parser never quotes the body it rejects.
  auto token = [](const std::string& b, const std::string& w) { ParseToken(b, w); };
  std::string e = error(token, R"({"access_token": "SECRET-TOKEN)");
  EXPECT_EQ(e.find("SECRET"), std::string::npos) << e;
}

}  // namespace
}  // namespace pond::hydrovu
