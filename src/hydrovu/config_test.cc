#include "hydrovu/config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"

namespace pond::hydrovu {
namespace {

// The error text of parsing `yaml` as hydrovu.yaml; "" when it parses.
std::string ErrorOf(const std::string& yaml) {
  try {
    ParseHydroVuConfig(yaml, "hydrovu.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HydroVuConfigTest, FullConfig) {
  HydroVuConfig c = ParseHydroVuConfig(R"(client_id: "b1f3"
client_secret: 's3cret'
base_url: http://127.0.0.1:8080/public-api/
max_points_per_run: 200000
hydrovu_path: /data/hydrovu/
timeout_s: 12
retry_attempts: 3
retry_base_ms: 10
start_time: 1719792000
devices:
  - {name: BDock,  id: 123, comment: "AT500 surface sonde at B Dock"}
  - name: Silver
    id: 456
)",
                                       "hydrovu.yaml");
  EXPECT_EQ(c.client_id, "b1f3");
  EXPECT_EQ(c.client_secret, "s3cret");
  EXPECT_EQ(c.base_url, "http://127.0.0.1:8080/public-api");
  EXPECT_EQ(c.max_points_per_run, 200000);
  EXPECT_EQ(c.hydrovu_path, "/data/hydrovu");
  EXPECT_EQ(c.timeout_s, 12);
  EXPECT_EQ(c.retry_attempts, 3);
  EXPECT_EQ(c.retry_base_ms, 10);
  EXPECT_EQ(c.start_time, 1719792000);
  ASSERT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices[0].name, "BDock");
  EXPECT_EQ(c.devices[0].id, 123);
  EXPECT_EQ(c.devices[0].comment, "AT500 surface sonde at B Dock");
  EXPECT_EQ(c.devices[1].name, "Silver");
  EXPECT_EQ(c.devices[1].comment, "");
  EXPECT_EQ(c.SeriesPath(c.devices[0]), "/data/hydrovu/devices/123/BDock.series");
}

TEST(HydroVuConfigTest, Defaults) {
  HydroVuConfig c = ParseHydroVuConfig(
      "client_id: 12345\nclient_secret: x\ndevices:\n  - {name: 'My Dock=1', id: 7}\n",
      "hydrovu.yaml");
  EXPECT_EQ(c.client_id, "12345");  // a plain number is fine as a string
  EXPECT_EQ(c.base_url, "https://www.hydrovu.com/public-api");
  EXPECT_EQ(c.max_points_per_run, 100000);
  EXPECT_EQ(c.hydrovu_path, "/hydrovu");
  EXPECT_EQ(c.timeout_s, 30);
  EXPECT_EQ(c.retry_attempts, 5);
  EXPECT_EQ(c.retry_base_ms, 1000);
  EXPECT_EQ(c.start_time, 0);
  EXPECT_EQ(c.SeriesPath(c.devices[0]), "/hydrovu/devices/7/My Dock=1.series");
  EXPECT_EQ(c.archive_path, "");
  EXPECT_EQ(c.ArchiveDir(c.devices[0]), "");
}

TEST(HydroVuConfigTest, ArchivePath) {
  HydroVuConfig c = ParseHydroVuConfig(
      "client_id: a\nclient_secret: b\narchive_path: /hydrovu-archive/\n"
      "devices: [{name: X, id: 5}]\n",
      "h.yaml");
  EXPECT_EQ(c.archive_path, "/hydrovu-archive");
  EXPECT_EQ(c.DeviceDir(c.devices[0]), "/hydrovu/devices/5");
  EXPECT_EQ(c.ArchiveDir(c.devices[0]), "/hydrovu-archive/devices/5");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\narchive_path: archive\ndevices: []\n"),
            "field 'archive_path' must be an absolute pond path (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\narchive_path: [a]\ndevices: []\n"),
            "field 'archive_path' must be a string (hydrovu.yaml:3)");
  // The collector writes below hydrovu_path: an archive there would not stay read-only.
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\narchive_path: /hydrovu/\ndevices: []\n"),
            "field 'archive_path' must differ from hydrovu_path (archives are never written) "
            "(hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\narchive_path: /h\nhydrovu_path: /h\n"
                    "devices: []\n"),
            "field 'archive_path' must differ from hydrovu_path (archives are never written) "
            "(hydrovu.yaml:3)");
}

TEST(HydroVuConfigTest, EmptyDeviceListIsAllowed) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices: []\n"), "");
}

TEST(HydroVuConfigTest, UnknownField) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nretries: 3\ndevices: []\n"),
            "unknown field 'retries' (hydrovu.yaml:3)");
  // Reported before the missing field it probably misspells.
  EXPECT_EQ(ErrorOf("clientid: a\nclient_secret: b\ndevices: []\n"),
            "unknown field 'clientid' (hydrovu.yaml:1)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n  - {name: A, id: 1}\n"
                    "  - name: B\n    id: 2\n    site: x\n"),
            "unknown field 'site' (hydrovu.yaml:7)");
}

TEST(HydroVuConfigTest, MissingField) {
  EXPECT_EQ(ErrorOf("client_secret: b\ndevices: []\n"),
            "missing field 'client_id' (hydrovu.yaml:1)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\n"),
            "missing field 'devices' (hydrovu.yaml:1)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n  - {name: A, id: 1}\n"
                    "  - {name: B}\n"),
            "missing field 'id' (hydrovu.yaml:5)");
}

TEST(HydroVuConfigTest, WrongType) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ntimeout_s: soon\ndevices: []\n"),
            "field 'timeout_s' must be an integer (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ntimeout_s: 1.5\ndevices: []\n"),
            "field 'timeout_s' must be an integer (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n  - {name: A, id: '12'}\n"),
            "field 'id' must be an integer (hydrovu.yaml:4)");
  EXPECT_EQ(ErrorOf("client_id: [a]\nclient_secret: b\ndevices: []\n"),
            "field 'client_id' must be a string (hydrovu.yaml:1)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret:\ndevices: []\n"),
            "field 'client_secret' must be a string (hydrovu.yaml:2)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices: {name: A}\n"),
            "field 'devices' must be a list (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n  - BDock\n"),
            "a device must be a mapping (hydrovu.yaml:4)");
  EXPECT_EQ(ErrorOf("- a\n"), "the hydrovu config must be a mapping (hydrovu.yaml:1)");
  EXPECT_EQ(ErrorOf(""), "the hydrovu config must be a mapping (hydrovu.yaml:1)");
}

TEST(HydroVuConfigTest, OutOfRange) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nmax_points_per_run: 0\ndevices: []\n"),
            "field 'max_points_per_run' must be between 1 and 9223372036854775807 "
            "(hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nretry_attempts: -1\ndevices: []\n"),
            "field 'retry_attempts' must be between 0 and 20 (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nstart_time: 1719792000000\ndevices: []\n"),
            "field 'start_time' must be between 0 and 32503679999 (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nbase_url: ftp://x\ndevices: []\n"),
            "field 'base_url' must start with http:// or https:// (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nhydrovu_path: hydrovu\ndevices: []\n"),
            "field 'hydrovu_path' must be an absolute pond path (hydrovu.yaml:3)");
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nhydrovu_path: /a/../b\ndevices: []\n"),
            "field 'hydrovu_path' is not a valid pond path (hydrovu.yaml:3)");
}

TEST(HydroVuConfigTest, DuplicateDeviceId) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n"
                    "  - {name: BDock, id: 123}\n"
                    "  - {name: Silver, id: 456}\n"
                    "  - {name: BDock2, id: 123}\n"),
            "duplicate device id 123 (first at hydrovu.yaml:4) (hydrovu.yaml:6)");
}

TEST(HydroVuConfigTest, DuplicateField) {
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\nclient_id: c\ndevices: []\n"),
            "duplicate field 'client_id' (hydrovu.yaml:3)");
}

TEST(HydroVuConfigTest, InvalidDeviceName) {
  for (const char* name : {"'a/b'", "'..'", "'.'", "''"}) {
    std::string yaml = std::string("client_id: a\nclient_secret: b\ndevices:\n  - name: ") + name +
                       "\n    id: 1\n";
    std::string expected = std::string("invalid device name '") +
                           std::string(name).substr(1, std::string(name).size() - 2) +
                           "' (hydrovu.yaml:4)";
    EXPECT_EQ(ErrorOf(yaml), expected) << name;
  }
  EXPECT_EQ(ErrorOf("client_id: a\nclient_secret: b\ndevices:\n  - {name: " +
                    std::string(256, 'x') + ", id: 1}\n"),
            "invalid device name '" + std::string(256, 'x') + "' (hydrovu.yaml:4)");
}

TEST(HydroVuConfigTest, YamlSyntaxError) {
  std::string error = ErrorOf("client_id: a\nclient_secret: [b\ndevices: []\n");
  EXPECT_TRUE(error.starts_with("invalid YAML: ")) << error;
  EXPECT_TRUE(error.ends_with("(hydrovu.yaml:3)") || error.ends_with("(hydrovu.yaml:4)")) << error;
}

TEST(HydroVuConfigTest, FromParsedNode) {
  YAML::Node root = YAML::Load("client_id: a\nclient_secret: b\ndevices: []\nextra: 1\n");
  try {
    ParseHydroVuConfig(root, "/etc/hydrovu");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "unknown field 'extra'");
    EXPECT_EQ(e.where(), "/etc/hydrovu:4");
  }
}

TEST(HydroVuConfigTest, SeriesPathUnderRoot) {
  HydroVuConfig c = ParseHydroVuConfig(
      "client_id: a\nclient_secret: b\nhydrovu_path: /\ndevices: [{name: X, id: 5}]\n", "h.yaml");
  EXPECT_EQ(c.SeriesPath(c.devices[0]), "/devices/5/X.series");
}

}  // namespace
}  // namespace pond::hydrovu
