// hydrovu (docs/hydrovu.md): an executable node holding only config; `pond run
// PATH collect` does the work (collect layer). Its config is validated by the
// collect layer's parser, so mknod and run accept exactly the same configs.
#include "base/error.h"
#include "factories/builtin.h"

#ifdef POND_HAVE_COLLECT
#include "collect/hydrovu_config.h"
#endif

namespace pond::factories {

namespace {

void ValidateHydroVuConfig(const Config& config) {
#ifdef POND_HAVE_COLLECT
  collect::ParseHydroVuConfig(config.root, config.source);
#else
  // A developer build without the collect layer cannot check the fields.
  throw Error("the hydrovu factory is not available in this build", config.source);
#endif
}

class HydroVuNode : public Generated {
 public:
  Shape shape() const override { return Shape::kExecutable; }
};

class HydroVu : public Factory {
 public:
  std::string name() const override { return "hydrovu"; }
  std::string category() const override { return "executable"; }
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
