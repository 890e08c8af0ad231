// hydrovu (docs/hydrovu.md): an executable node holding only config; `pond run
// PATH collect` does the work (src/hydrovu). Its config is validated by
// hydrovu's parser, so mknod and run accept exactly the same configs.
#include "base/error.h"
#include "factories/builtin.h"

#include "hydrovu/config.h"

namespace pond::factories {

namespace {

void ValidateHydroVuConfig(const Config& config) {
  hydrovu::ParseHydroVuConfig(config.root, config.source);
}

class HydroVuNode : public Generated {
 public:
  Shape shape() const override { return Shape::kExecutable; }
};

class HydroVu : public Factory {
 public:
  std::string name() const override { return "hydrovu"; }
  std::string description() const override { return "collect HydroVu readings (run: collect)"; }
  Shape shape() const override { return Shape::kExecutable; }
  void Validate(const Config& config) const override { ValidateHydroVuConfig(config); }
  std::shared_ptr<const Generated> Create(const std::string&, const Config& config) const override {
    ValidateHydroVuConfig(config);
    return std::make_shared<HydroVuNode>();
  }
};

}  // namespace

const Factory& HydroVuFactory() {
  static const HydroVu f;
  return f;
}

}  // namespace pond::factories
