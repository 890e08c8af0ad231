// The built-in factories, one per file (the file named after it defines it).
// registry.cc lists them; nothing registers itself.
#pragma once

#include "factories/factory.h"

namespace pond::factories {

const Factory& ColumnRenameFactory();      // column_rename.cc
const Factory& DynamicDirFactory();        // dynamic_dir.cc
const Factory& GitIngestFactory();         // git_ingest.cc
const Factory& HydroVuFactory();           // hydrovu.cc
const Factory& LogfileIngestFactory();     // logfile_ingest.cc
const Factory& SitegenFactory();           // sitegen.cc
const Factory& SqlDerivedSeriesFactory();  // sql_derived.cc
const Factory& SqlDerivedTableFactory();   // sql_derived.cc
const Factory& TemporalReduceFactory();    // temporal_reduce.cc
const Factory& TemplateFactory();          // template_factory.cc
const Factory& TimeseriesJoinFactory();    // timeseries_join.cc
const Factory& TimeseriesPivotFactory();   // timeseries_pivot.cc

}  // namespace pond::factories
