#include "fake_hydrovu.h"

#include <zlib.h>

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pond::testing {

namespace {

using nlohmann::json;

constexpr const char* kPrefix = "/public-api";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Written here rather than shared with the client, so the fake checks the
// client's encoding independently.
std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"error", message}});
}

// Page index from `x-isi-start-page: <prefix><n>`; 0 without the header, -1 if bad.
int StartPage(const httplib::Request& req, const std::string& prefix) {
  if (!req.has_header("x-isi-start-page")) return 0;
  std::string token = req.get_header_value("x-isi-start-page");
  if (!token.starts_with(prefix)) return -1;
  try {
    return std::stoi(token.substr(prefix.size()));
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

std::optional<std::string> RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> RecordedRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

FakeHydroVu::FakeHydroVu() : FakeHydroVu(Options{}) {}

FakeHydroVu::FakeHydroVu(Options options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  Route();
  server_->set_keep_alive_timeout(1);
  server_->set_tcp_nodelay(true);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake HydroVu: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it (bounded).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_->is_running()) {
    thread_.detach();
    throw std::runtime_error("fake HydroVu: server did not start");
  }
}

FakeHydroVu::~FakeHydroVu() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  server_->stop();
  thread_.join();
}

std::string FakeHydroVu::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + kPrefix;
}

void FakeHydroVu::SetFriendlyNames(std::map<std::string, std::string> parameters,
                                   std::map<std::string, std::string> units) {
  std::lock_guard lock(mutex_);
  parameter_names_ = std::move(parameters);
  unit_names_ = std::move(units);
}

void FakeHydroVu::AddLocation(FakeLocation location) {
  std::lock_guard lock(mutex_);
  auto same = std::find_if(locations_.begin(), locations_.end(),
                           [&](const FakeLocation& l) { return l.id == location.id; });
  if (same == locations_.end()) {
    locations_.push_back(std::move(location));
    return;
  }
  // A known id: the server has gained readings.
  for (auto& p : location.parameters) {
    auto it = std::find_if(same->parameters.begin(), same->parameters.end(), [&](const FakeParameter& q) {
      return q.parameter_id == p.parameter_id && q.unit_id == p.unit_id;
    });
    if (it == same->parameters.end()) {
      same->parameters.push_back(std::move(p));
    } else {
      it->readings.insert(it->readings.end(), p.readings.begin(), p.readings.end());
    }
  }
}

void FakeHydroVu::FailApiCalls(int status, int times, int retry_after_s) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) faults_.push_back({status, retry_after_s});
}

void FakeHydroVu::ExpireTokens() {
  std::lock_guard lock(mutex_);
  valid_tokens_.clear();
}

void FakeHydroVu::RejectTokenRequests(int status) {
  std::lock_guard lock(mutex_);
  token_status_ = status;
}

void FakeHydroVu::GarbleDataPage(int64_t location_id, int page) {
  std::lock_guard lock(mutex_);
  garbled_pages_.emplace(location_id, page);
}

void FakeHydroVu::GzipBombData(int64_t location_id, int64_t inflated_bytes) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);  // gzip
  const std::string spaces(1 << 20, ' ');
  std::string out;
  std::vector<unsigned char> buf(1 << 16);
  for (int64_t left = inflated_bytes; left >= 0;) {
    const size_t n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(spaces.size())));
    left -= static_cast<int64_t>(n);
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(spaces.data()));
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(reinterpret_cast<char*>(buf.data()), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&z);
  std::lock_guard lock(mutex_);
  gzip_bombs_[location_id] = std::move(out);
}

void FakeHydroVu::HangApiCalls(int times, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  hangs_ = times;
  hang_delay_ = delay;
}

void FakeHydroVu::UseMilliseconds(bool on) {
  std::lock_guard lock(mutex_);
  milliseconds_ = on;
}

void FakeHydroVu::AimFaultsAt(std::string part) {
  std::lock_guard lock(mutex_);
  fault_path_ = std::move(part);
}

std::vector<RecordedRequest> FakeHydroVu::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<RecordedRequest> FakeHydroVu::requests_to(std::string_view suffix) const {
  std::vector<RecordedRequest> out;
  for (auto& r : requests()) {
    if (std::string_view(r.path).ends_with(suffix)) out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> FakeHydroVu::issued_tokens() const {
  std::lock_guard lock(mutex_);
  return issued_tokens_;
}

void FakeHydroVu::Route() {
  // Each handler records its request before returning, i.e. before cpp-httplib
  // writes the response: a test that has the response sees the record.
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  auto recorded = [this](Handler handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      handler(req, res);
      Record(req, res);
    };
  };
  const std::string p = kPrefix;
  server_->Post(p + "/oauth/token",
                recorded([this](const httplib::Request& req, httplib::Response& res) {
                  ServeToken(req, res);
                }));
  server_->Get(p + "/v1/sispec/friendlynames",
               recorded([this](const httplib::Request& req, httplib::Response& res) {
                 if (AdmitApiCall(req, res)) ServeFriendlyNames(res);
               }));
  server_->Get(p + "/v1/locations/list",
               recorded([this](const httplib::Request& req, httplib::Response& res) {
                 if (AdmitApiCall(req, res)) ServeLocations(req, res);
               }));
  server_->Get(p + R"(/v1/locations/(\d+)/data)",
               recorded([this](const httplib::Request& req, httplib::Response& res) {
                 if (AdmitApiCall(req, res)) ServeData(std::stoll(req.matches[1]), req, res);
               }));
  auto not_found = recorded(
      [](const httplib::Request&, httplib::Response& res) { SendError(res, 404, "not found"); });
  server_->Get(".*", not_found);
  server_->Post(".*", not_found);
}

void FakeHydroVu::Record(const httplib::Request& req, const httplib::Response& res) {
  RecordedRequest r{req.method, req.path, {}, {}, req.body, res.status};
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(r));
}

bool FakeHydroVu::AdmitApiCall(const httplib::Request& req, httplib::Response& res) {
  std::unique_lock lock(mutex_);
  const bool aimed = req.path.find(fault_path_) != std::string::npos;
  if (aimed && hangs_ > 0) {
    --hangs_;
    stop_cv_.wait_for(lock, hang_delay_, [this] { return stopping_; });
  }
  if (aimed && !faults_.empty()) {
    Fault fault = faults_.front();
    faults_.erase(faults_.begin());
    if (fault.retry_after_s >= 0) {
      res.set_header("Retry-After", std::to_string(fault.retry_after_s));
    }
    SendError(res, fault.status, "injected fault");
    return false;
  }
  std::string auth = req.get_header_value("Authorization");
  if (!auth.starts_with("Bearer ") || !valid_tokens_.contains(auth.substr(7))) {
    SendError(res, 401, "invalid or expired token");
    return false;
  }
  return true;
}

void FakeHydroVu::ServeToken(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  if (token_status_ != 200) return SendError(res, token_status_, "invalid_client");
  if (req.get_header_value("Authorization") !=
      "Basic " + Base64(options_.client_id + ":" + options_.client_secret)) {
    return SendError(res, 401, "invalid_client");
  }
  if (req.get_header_value("Content-Type").find("application/x-www-form-urlencoded") != 0 ||
      req.body != "grant_type=client_credentials") {
    return SendError(res, 400, "unsupported_grant_type");
  }
  std::string token = "fake-access-token-" + std::to_string(issued_tokens_.size() + 1) + "-" +
                      std::to_string(port_);
  issued_tokens_.push_back(token);
  valid_tokens_.insert(token);
  SendJson(res, 200,
           json{{"access_token", token},
                {"token_type", "bearer"},
                {"expires_in", 3600},
                {"scope", "read"}});
}

void FakeHydroVu::ServeFriendlyNames(httplib::Response& res) {
  std::lock_guard lock(mutex_);
  SendJson(res, 200, json{{"parameters", parameter_names_}, {"units", unit_names_}});
}

void FakeHydroVu::ServeLocations(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  int page = StartPage(req, "locations-");
  size_t size = static_cast<size_t>(std::max(1, options_.locations_page_size));
  if (page < 0 || static_cast<size_t>(page) * size > locations_.size()) {
    return SendError(res, 400, "bad page token");
  }
  json list = json::array();
  size_t begin = static_cast<size_t>(page) * size;
  size_t end = std::min(locations_.size(), begin + size);
  for (size_t i = begin; i < end; ++i) {
    list.push_back({{"id", locations_[i].id},
                    {"name", locations_[i].name},
                    {"description", "fake location"},
                    {"gps", {{"latitude", 44.6}, {"longitude", -124.0}}}});
  }
  if (end < locations_.size())
    res.set_header("x-isi-next-page", "locations-" + std::to_string(page + 1));
  SendJson(res, 200, list);
}

void FakeHydroVu::ServeData(int64_t location_id, const httplib::Request& req,
                            httplib::Response& res) {
  std::lock_guard lock(mutex_);
  auto location = std::find_if(locations_.begin(), locations_.end(),
                               [&](const FakeLocation& l) { return l.id == location_id; });
  if (location == locations_.end()) return SendError(res, 404, "no such location");
  int64_t start = 0;
  if (req.has_param("startTime")) {
    try {
      start = std::stoll(req.get_param_value("startTime"));
    } catch (const std::exception&) {
      return SendError(res, 400, "bad startTime");
    }
  }
  std::string prefix = "data-" + std::to_string(location_id) + "-";
  int page = StartPage(req, prefix);
  if (page < 0) return SendError(res, 400, "bad page token");

  std::vector<int64_t> times;
  for (const auto& p : location->parameters) {
    for (const auto& r : p.readings) {
      if (r.timestamp >= start) times.push_back(r.timestamp);
    }
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  size_t size = static_cast<size_t>(std::max(1, options_.data_page_timestamps));
  size_t begin = static_cast<size_t>(page) * size;
  size_t end = std::min(times.size(), begin + size);

  json parameters = json::array();
  if (begin < end) {
    for (const auto& p : location->parameters) {
      json readings = json::array();
      for (const auto& r : p.readings) {
        if (r.timestamp < times[begin] || r.timestamp > times[end - 1]) continue;
        int64_t ts = milliseconds_ ? r.timestamp * 1000 : r.timestamp;
        readings.push_back(
            {{"timestamp", ts}, {"value", r.value ? json(*r.value) : json(nullptr)}});
      }
      if (!readings.empty()) {
        parameters.push_back({{"parameterId", p.parameter_id},
                              {"unitId", p.unit_id},
                              {"customParameter", false},
                              {"readings", std::move(readings)}});
      }
    }
  }
  if (end < times.size()) res.set_header("x-isi-next-page", prefix + std::to_string(page + 1));
  json body{{"locationId", location_id}, {"parameters", std::move(parameters)}};
  if (auto bomb = gzip_bombs_.find(location_id); bomb != gzip_bombs_.end()) {
    res.status = 200;
    res.set_header("Content-Encoding", "gzip");
    res.set_content(bomb->second, "application/json");
    return;
  }
  if (garbled_pages_.contains({location_id, page + 1})) {
    std::string text = body.dump();
    res.status = 200;
    res.set_content(text.substr(0, text.size() / 2), "application/json");
    return;
  }
  SendJson(res, 200, body);
}

void AddCannedData(FakeHydroVu& fake) {
  fake.SetFriendlyNames({{"1", "Temperature"}, {"19", "DO"}}, {{"1", "C"}, {"117", "mg/L"}});
  constexpr int64_t kDay = 1719792000;  // 2024-07-01T00:00:00Z
  FakeParameter temperature{"1", "1", {}};
  FakeParameter dissolved_oxygen{"19", "117", {}};
  for (int i = 0; i < 96; ++i) {
    int64_t t = kDay + i * 900;
    temperature.readings.push_back({t, (1825 + 5 * i) / 100.0});
    if (i != 1) dissolved_oxygen.readings.push_back({t, (841 - i) / 100.0});
  }
  fake.AddLocation({123, "B Dock", {temperature, dissolved_oxygen}});
  FakeParameter silver_temperature{"1", "1", {}};
  for (int i = 0; i < 24; ++i) {
    silver_temperature.readings.push_back({kDay + i * 3600, (170 + i) / 10.0});
  }
  fake.AddLocation({456, "Silver", {silver_temperature}});
}

}  // namespace pond::testing
