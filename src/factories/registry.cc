#include "base/error.h"
#include "factories/builtin.h"
#include "factories/factory.h"

namespace pond::factories {

std::vector<const Factory*> AllFactories() {
  // Sorted by name, as `pond list-factories` prints them.
  return {&ColumnRenameFactory(),     &DynamicDirFactory(),       &GitIngestFactory(),
          &HydroVuFactory(),          &LogfileIngestFactory(),    &SitegenFactory(),
          &SqlDerivedSeriesFactory(), &SqlDerivedTableFactory(),  &TemporalReduceFactory(),
          &TemplateFactory(),         &TimeseriesJoinFactory(),   &TimeseriesPivotFactory()};
}

const Factory& GetFactory(const std::string& name) {
  for (const Factory* f : AllFactories())
    if (f->name() == name) return *f;
  throw Error("unknown factory '" + name + "'", "see 'pond list-factories'");
}

// A Generated answers only for its shape; the View checks shapes before calling,
// so these are reached only by a factory bug.
std::vector<std::string> Generated::List(View&) const {
  throw Error("not a directory", listed_kind());
}
std::vector<Generated::ChildShape> Generated::ListShapes(View& view) const {
  std::vector<ChildShape> out;
  for (std::string& name : List(view)) out.push_back({std::move(name), std::nullopt});
  return out;
}
std::shared_ptr<const Generated> Generated::Child(View&, const std::string&) const {
  throw Error("not a directory", listed_kind());
}
std::string Generated::RelationSql(View&) const {
  throw Error("not a table or series", listed_kind());
}
std::string Generated::ReadData(View&) const { throw Error("not a data file", listed_kind()); }

}  // namespace pond::factories
