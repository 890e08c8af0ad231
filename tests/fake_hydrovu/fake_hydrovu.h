// A fake HydroVu public API (docs/hydrovu.md, "Test server") on 127.0.0.1 with
// an ephemeral port, served by cpp-httplib from a thread. The constructor starts
// it, the destructor stops it. It serves
//   POST /public-api/oauth/token                 (checks Basic auth and the form body)
//   GET  /public-api/v1/sispec/friendlynames
//   GET  /public-api/v1/locations/list           (paged)
//   GET  /public-api/v1/locations/{id}/data      (paged, filtered by startTime)
// from data the test gives it, checks the Bearer token on every API call, records
// every request, and has switches for each fault the collector must survive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace pond::testing {

struct FakeReading {
  int64_t timestamp = 0;  // Unix seconds
  std::optional<double> value;
};

struct FakeParameter {
  std::string parameter_id;
  std::string unit_id;
  std::vector<FakeReading> readings;  // served in this order (duplicates too)
};

struct FakeLocation {
  int64_t id = 0;
  std::string name;
  std::vector<FakeParameter> parameters;
};

struct RecordedRequest {
  std::string method;
  std::string path;  // without the query
  std::multimap<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;  // what the fake answered

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The first query parameter `name`, or nullopt.
  std::optional<std::string> Query(const std::string& name) const;
};

class FakeHydroVu {
 public:
  struct Options {
    std::string client_id = "fake-client-id";
    std::string client_secret = "fake-client-secret";
    int data_page_timestamps = 4;  // distinct timestamps per data page
    int locations_page_size = 2;   // locations per list page
  };

  FakeHydroVu();
  explicit FakeHydroVu(Options options);
  ~FakeHydroVu();
  FakeHydroVu(const FakeHydroVu&) = delete;
  FakeHydroVu& operator=(const FakeHydroVu&) = delete;

  int port() const { return port_; }
  // `http://127.0.0.1:<port>/public-api`, for the config's base_url.
  std::string base_url() const;
  const Options& options() const { return options_; }

  // Data. Friendly names are id → name, as the API returns them.
  void SetFriendlyNames(std::map<std::string, std::string> parameters,
                        std::map<std::string, std::string> units);
  // Adding a location whose id is known adds its readings to it (new data arrived).
  void AddLocation(FakeLocation location);

  // Faults. An "API call" is any request but the token request.
  // The next `times` API calls answer `status` (with `Retry-After: <s>` when
  // retry_after_s >= 0) before anything else is checked.
  void FailApiCalls(int status, int times, int retry_after_s = -1);
  // Every token issued so far becomes invalid (its next use gets 401).
  void ExpireTokens();
  // The token endpoint answers `status` (401 or 400) to every request.
  void RejectTokenRequests(int status = 401);
  // Data page `page` (1-based) of `location_id` is truncated JSON, every time.
  void GarbleDataPage(int64_t location_id, int page);
  // Every data page of `location_id` is a small gzip body (Content-Encoding: gzip)
  // that inflates to `inflated_bytes` of JSON whitespace: a decompression bomb.
  void GzipBombData(int64_t location_id, int64_t inflated_bytes);
  // The next `times` API calls wait `delay` before answering (cut short when the
  // fake is destroyed).
  void HangApiCalls(int times, std::chrono::milliseconds delay);
  // Serve timestamps in milliseconds (what a broken server might do).
  void UseMilliseconds(bool on);
  // From now on FailApiCalls and HangApiCalls apply only to API calls whose path
  // contains `part` (e.g. "/locations/123/data"); "" (the default) means all.
  void AimFaultsAt(std::string part);

  // Inspection.
  std::vector<RecordedRequest> requests() const;
  // Requests whose path ends with `suffix` (e.g. "/oauth/token", "/data").
  std::vector<RecordedRequest> requests_to(std::string_view suffix) const;
  // Every access token issued, oldest first (for leak checks).
  std::vector<std::string> issued_tokens() const;

 private:
  struct Fault {
    int status;
    int retry_after_s;
  };

  void Route();
  void Record(const httplib::Request& req, const httplib::Response& res);
  // Applies hang and status faults and checks the token; false when answered.
  bool AdmitApiCall(const httplib::Request& req, httplib::Response& res);
  void ServeToken(const httplib::Request& req, httplib::Response& res);
  void ServeFriendlyNames(httplib::Response& res);
  void ServeLocations(const httplib::Request& req, httplib::Response& res);
  void ServeData(int64_t location_id, const httplib::Request& req, httplib::Response& res);

  Options options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::map<std::string, std::string> parameter_names_;
  std::map<std::string, std::string> unit_names_;
  std::vector<FakeLocation> locations_;
  std::vector<Fault> faults_;
  std::string fault_path_;  // faults and hangs apply to paths containing it
  int hangs_ = 0;
  std::chrono::milliseconds hang_delay_{0};
  int token_status_ = 200;
  std::set<std::pair<int64_t, int>> garbled_pages_;
  std::map<int64_t, std::string> gzip_bombs_;  // location → gzip body
  bool milliseconds_ = false;
  std::vector<std::string> issued_tokens_;
  std::set<std::string> valid_tokens_;
  std::vector<RecordedRequest> requests_;
};

// The canned data of the `fake-hydrovu` program: BDock (123, Temperature and DO
// every 15 min on 2024-07-01, with DO missing at one time) and Silver (456,
// Temperature hourly on the same day), plus friendly names.
void AddCannedData(FakeHydroVu& fake);

}  // namespace pond::testing
