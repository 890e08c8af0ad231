// DuckDB's C API, loaded with dlopen on first use (internal to src/engine/). Loading
// libduckdb.so costs ~30 ms of relocations and static initializers: commands that
// only read the catalog (list, log, describe of stored nodes) never pay it.
// Every function the engine calls is one field here, typed from duckdb.h itself.
#pragma once

#include <duckdb.h>

#include "base/shared_library.h"

namespace pond::engine {

#define POND_DUCKDB_FUNCTIONS(X)                                                             \
  X(duckdb_library_version) X(duckdb_create_config) X(duckdb_set_config)                    \
  X(duckdb_destroy_config) X(duckdb_open_ext) X(duckdb_close) X(duckdb_connect)             \
  X(duckdb_disconnect) X(duckdb_free) X(duckdb_query) X(duckdb_destroy_result)              \
  X(duckdb_result_error) X(duckdb_column_count) X(duckdb_column_name)                       \
  X(duckdb_column_logical_type) X(duckdb_fetch_chunk) X(duckdb_data_chunk_get_size)         \
  X(duckdb_data_chunk_get_vector) X(duckdb_destroy_data_chunk) X(duckdb_vector_get_data)    \
  X(duckdb_vector_get_validity) X(duckdb_validity_row_is_valid)                             \
  X(duckdb_struct_vector_get_child) X(duckdb_list_vector_get_child) X(duckdb_get_type_id)   \
  X(duckdb_destroy_logical_type) X(duckdb_decimal_width) X(duckdb_decimal_scale)            \
  X(duckdb_decimal_internal_type) X(duckdb_list_type_child_type)                            \
  X(duckdb_map_type_key_type) X(duckdb_map_type_value_type)                                 \
  X(duckdb_struct_type_child_count) X(duckdb_struct_type_child_name)                        \
  X(duckdb_struct_type_child_type) X(duckdb_string_t_length) X(duckdb_string_t_data)        \
  X(duckdb_prepare) X(duckdb_prepare_error) X(duckdb_destroy_prepare)                       \
  X(duckdb_execute_prepared) X(duckdb_bind_null) X(duckdb_bind_boolean)                     \
  X(duckdb_bind_int64) X(duckdb_bind_double) X(duckdb_bind_varchar_length)                  \
  X(duckdb_bind_timestamp) X(duckdb_appender_create) X(duckdb_appender_error)               \
  X(duckdb_appender_destroy) X(duckdb_appender_close) X(duckdb_appender_end_row)            \
  X(duckdb_append_null) X(duckdb_append_double) X(duckdb_append_int64)                      \
  X(duckdb_append_varchar_length) X(duckdb_append_timestamp)

struct DuckDbLibrary {
  POND_DUCKDB_FUNCTIONS(POND_LIBRARY_FIELD)
};

// The loaded library: POND_DUCKDB_LIBRARY (environment) if set, else the build's
// libduckdb.so, else `libduckdb.so` from the loader's search path. Loads on the first
// call; throws pond::Error `cannot load DuckDB: <dlerror> (<path>)` (and tries again on
// the next call).
const DuckDbLibrary& Lib();

}  // namespace pond::engine
