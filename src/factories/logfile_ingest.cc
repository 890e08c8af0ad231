// logfile-ingest: an executable node holding only its config (docs/logfile-ingest.md).
#include "factories/logfile_ingest.h"

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"

namespace pond::factories {

namespace {

class LogfileIngestNode : public Generated {
 public:
  Shape shape() const override { return Shape::kExecutable; }
};

class LogfileIngest : public Factory {
 public:
  std::string name() const override { return "logfile-ingest"; }
  std::string description() const override {
    return "mirror rotating host logs (run: push, b3sum)";
  }
  Shape shape() const override { return Shape::kExecutable; }
  void Validate(const Config& config) const override { LogfileIngestConfig(config); }
  std::shared_ptr<const Generated> Create(const std::string&, const Config& config) const override {
    LogfileIngestConfig(config);
    return std::make_shared<LogfileIngestNode>();
  }
};

}  // namespace

logfile::Config LogfileIngestConfig(const Config& c) {
  Fields f(c.root, c, "config", {"archived_pattern", "active_pattern", "pond_path"});
  logfile::Config out;
  for (auto [key, value] : {std::pair{"archived_pattern", &out.archived_pattern},
                            std::pair{"active_pattern", &out.active_pattern}}) {
    *value = f.String(key);
    if (value->empty() || (*value)[0] != '/')
      throw Error("field '" + std::string(key) + "' must be an absolute host glob",
                  f.Where(f.Required(key)));
  }
  out.pond_path = PathField(f, "pond_path");
  return out;
}

const Factory& LogfileIngestFactory() {
  static const LogfileIngest f;
  return f;
}

}  // namespace pond::factories
