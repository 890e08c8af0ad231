#include "engine/duckdb.h"

#include "engine/duckdb_library.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/error.h"

namespace pond::engine {

namespace {

// Owns a duckdb_logical_type for the duration of a scope.
class LogicalType {
 public:
  explicit LogicalType(duckdb_logical_type t) : t_(t) {}
  ~LogicalType() { Lib().duckdb_destroy_logical_type(&t_); }
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
  duckdb_logical_type get() const { return t_; }
  duckdb_type id() const { return Lib().duckdb_get_type_id(t_); }

 private:
  duckdb_logical_type t_;
};

std::string TypeName(duckdb_logical_type t) {
  switch (Lib().duckdb_get_type_id(t)) {
    case DUCKDB_TYPE_BOOLEAN: return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT: return "TINYINT";
    case DUCKDB_TYPE_SMALLINT: return "SMALLINT";
    case DUCKDB_TYPE_INTEGER: return "INTEGER";
    case DUCKDB_TYPE_BIGINT: return "BIGINT";
    case DUCKDB_TYPE_UTINYINT: return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT: return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER: return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT: return "UBIGINT";
    case DUCKDB_TYPE_HUGEINT: return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT: return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT: return "FLOAT";
    case DUCKDB_TYPE_DOUBLE: return "DOUBLE";
    case DUCKDB_TYPE_TIMESTAMP: return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_S: return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS: return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS: return "TIMESTAMP_NS";
    case DUCKDB_TYPE_TIMESTAMP_TZ: return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_DATE: return "DATE";
    case DUCKDB_TYPE_TIME: return "TIME";
    case DUCKDB_TYPE_INTERVAL: return "INTERVAL";
    case DUCKDB_TYPE_VARCHAR: return "VARCHAR";
    case DUCKDB_TYPE_BLOB: return "BLOB";
    case DUCKDB_TYPE_UUID: return "UUID";
    case DUCKDB_TYPE_ENUM: return "ENUM";
    case DUCKDB_TYPE_SQLNULL: return "NULL";
    case DUCKDB_TYPE_DECIMAL:
      return fmt::format("DECIMAL({},{})", Lib().duckdb_decimal_width(t), Lib().duckdb_decimal_scale(t));
    case DUCKDB_TYPE_LIST: {
      LogicalType child(Lib().duckdb_list_type_child_type(t));
      return TypeName(child.get()) + "[]";
    }
    case DUCKDB_TYPE_MAP: {
      LogicalType k(Lib().duckdb_map_type_key_type(t)), v(Lib().duckdb_map_type_value_type(t));
      return "MAP(" + TypeName(k.get()) + ", " + TypeName(v.get()) + ")";
    }
    case DUCKDB_TYPE_STRUCT: {
      std::string out = "STRUCT(";
      for (idx_t i = 0; i < Lib().duckdb_struct_type_child_count(t); ++i) {
        char* name = Lib().duckdb_struct_type_child_name(t, i);
        LogicalType child(Lib().duckdb_struct_type_child_type(t, i));
        out += (i ? ", " : "") + QuoteIdent(name) + " " + TypeName(child.get());
        Lib().duckdb_free(name);
      }
      return out + ")";
    }
    default: return fmt::format("TYPE#{}", static_cast<int>(Lib().duckdb_get_type_id(t)));
  }
}

Value FromHugeint(duckdb_hugeint h) {
  if ((h.upper == 0 && h.lower <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) ||
      (h.upper == -1 && h.lower >= static_cast<uint64_t>(std::numeric_limits<int64_t>::min())))
    return Value(static_cast<int64_t>(h.lower));
  return Value(static_cast<double>(h.upper) * 18446744073709551616.0 + static_cast<double>(h.lower));
}

Value FromUnsigned(uint64_t u) {
  if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return Value(static_cast<int64_t>(u));
  return Value(static_cast<double>(u));
}

Value DecodeDecimal(duckdb_logical_type t, void* data, idx_t row) {
  double scale = std::pow(10.0, Lib().duckdb_decimal_scale(t));
  switch (Lib().duckdb_decimal_internal_type(t)) {
    case DUCKDB_TYPE_SMALLINT: return Value(static_cast<int16_t*>(data)[row] / scale);
    case DUCKDB_TYPE_INTEGER: return Value(static_cast<int32_t*>(data)[row] / scale);
    case DUCKDB_TYPE_BIGINT: return Value(static_cast<int64_t*>(data)[row] / scale);
    default: {
      duckdb_hugeint h = static_cast<duckdb_hugeint*>(data)[row];
      return Value((static_cast<double>(h.upper) * 18446744073709551616.0 +
                    static_cast<double>(h.lower)) / scale);
    }
  }
}

// Decodes row `row` of `vec` (whose type is `t`) into a Value.
Value Decode(duckdb_vector vec, duckdb_logical_type t, idx_t row) {
  uint64_t* validity = Lib().duckdb_vector_get_validity(vec);
  if (validity != nullptr && !Lib().duckdb_validity_row_is_valid(validity, row)) return Value();
  void* data = Lib().duckdb_vector_get_data(vec);
  switch (Lib().duckdb_get_type_id(t)) {
    case DUCKDB_TYPE_BOOLEAN: return Value(static_cast<bool*>(data)[row]);
    case DUCKDB_TYPE_TINYINT: return Value(int64_t{static_cast<int8_t*>(data)[row]});
    case DUCKDB_TYPE_SMALLINT: return Value(int64_t{static_cast<int16_t*>(data)[row]});
    case DUCKDB_TYPE_INTEGER: return Value(int64_t{static_cast<int32_t*>(data)[row]});
    case DUCKDB_TYPE_BIGINT: return Value(static_cast<int64_t*>(data)[row]);
    case DUCKDB_TYPE_UTINYINT: return Value(int64_t{static_cast<uint8_t*>(data)[row]});
    case DUCKDB_TYPE_USMALLINT: return Value(int64_t{static_cast<uint16_t*>(data)[row]});
    case DUCKDB_TYPE_UINTEGER: return Value(int64_t{static_cast<uint32_t*>(data)[row]});
    case DUCKDB_TYPE_UBIGINT: return FromUnsigned(static_cast<uint64_t*>(data)[row]);
    case DUCKDB_TYPE_HUGEINT: return FromHugeint(static_cast<duckdb_hugeint*>(data)[row]);
    case DUCKDB_TYPE_FLOAT: return Value(double{static_cast<float*>(data)[row]});
    case DUCKDB_TYPE_DOUBLE: return Value(static_cast<double*>(data)[row]);
    case DUCKDB_TYPE_DECIMAL: return DecodeDecimal(t, data, row);
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ: return Value(Timestamp{static_cast<int64_t*>(data)[row]});
    case DUCKDB_TYPE_TIMESTAMP_S: return Value(Timestamp{static_cast<int64_t*>(data)[row] * 1000000});
    case DUCKDB_TYPE_TIMESTAMP_MS: return Value(Timestamp{static_cast<int64_t*>(data)[row] * 1000});
    case DUCKDB_TYPE_TIMESTAMP_NS: return Value(Timestamp{static_cast<int64_t*>(data)[row] / 1000});
    case DUCKDB_TYPE_DATE:
      return Value(Timestamp{int64_t{static_cast<int32_t*>(data)[row]} * 86400 * 1000000});
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
      auto* s = &static_cast<duckdb_string_t*>(data)[row];
      return Value(std::string(Lib().duckdb_string_t_data(s), Lib().duckdb_string_t_length(*s)));
    }
    case DUCKDB_TYPE_LIST: {
      auto entry = static_cast<duckdb_list_entry*>(data)[row];
      LogicalType child_t(Lib().duckdb_list_type_child_type(t));
      duckdb_vector child = Lib().duckdb_list_vector_get_child(vec);
      List out;
      out.reserve(entry.length);
      for (idx_t i = 0; i < entry.length; ++i)
        out.push_back(Decode(child, child_t.get(), entry.offset + i));
      return Value::FromList(std::move(out));
    }
    case DUCKDB_TYPE_MAP: {
      // A MAP is a LIST of STRUCT(key, value).
      auto entry = static_cast<duckdb_list_entry*>(data)[row];
      LogicalType key_t(Lib().duckdb_map_type_key_type(t)), val_t(Lib().duckdb_map_type_value_type(t));
      duckdb_vector entries = Lib().duckdb_list_vector_get_child(vec);
      duckdb_vector keys = Lib().duckdb_struct_vector_get_child(entries, 0);
      duckdb_vector vals = Lib().duckdb_struct_vector_get_child(entries, 1);
      MapEntries out;
      out.reserve(entry.length);
      for (idx_t i = 0; i < entry.length; ++i)
        out.emplace_back(Decode(keys, key_t.get(), entry.offset + i),
                         Decode(vals, val_t.get(), entry.offset + i));
      return Value::FromMap(std::move(out));
    }
    case DUCKDB_TYPE_STRUCT: {
      StructFields out;
      for (idx_t i = 0; i < Lib().duckdb_struct_type_child_count(t); ++i) {
        char* name = Lib().duckdb_struct_type_child_name(t, i);
        LogicalType child_t(Lib().duckdb_struct_type_child_type(t, i));
        out.emplace_back(name, Decode(Lib().duckdb_struct_vector_get_child(vec, i), child_t.get(), row));
        Lib().duckdb_free(name);
      }
      return Value::FromStruct(std::move(out));
    }
    default:
      throw Error("unsupported result type " + TypeName(t) + "; cast it in SQL");
  }
}

void LogSql(const std::string& sql) { spdlog::debug("sql: {}", sql); }

}  // namespace

std::string LibraryVersion() { return Lib().duckdb_library_version(); }

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

Database::Database(const std::string& path, bool read_only) {
  duckdb_config config = nullptr;
  if (Lib().duckdb_create_config(&config) != DuckDBSuccess) throw Error("cannot create DuckDB config");
  if (read_only) Lib().duckdb_set_config(config, "access_mode", "READ_ONLY");
  // DuckPond never installs or loads extensions from the network at run time.
  Lib().duckdb_set_config(config, "autoinstall_known_extensions", "false");
  // Our files are local and immutable, and the OS page cache already holds them: DuckDB's
  // external file cache kept a second copy of every Parquet file a process read (one
  // Pond doing 20,000 appends, each merge reading blobs, grew to ~900 MB).
  Lib().duckdb_set_config(config, "enable_external_file_cache", "false");
  char* err = nullptr;
  duckdb_state st = Lib().duckdb_open_ext(path.empty() ? nullptr : path.c_str(), &db_, config, &err);
  Lib().duckdb_destroy_config(&config);
  if (st != DuckDBSuccess) {
    std::string msg = err ? err : "unknown error";
    Lib().duckdb_free(err);
    throw Error("cannot open database: " + msg, path.empty() ? ":memory:" : path);
  }
}

Database::~Database() { Lib().duckdb_close(&db_); }

size_t Result::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  throw Error(fmt::format("result has no column '{}'", name));
}

Row Result::Rows::at(size_t i) const {
  if (i >= r_->row_count())
    throw Error(fmt::format("row {} of a result of {} rows", i, r_->row_count()));
  return r_->row(i);
}

// Fills a Result from a duckdb_result and destroys the latter (Result's friend).
struct ResultReader {
  static Result Consume(duckdb_result* res);
};

Result ResultReader::Consume(duckdb_result* res) {
  Result r;
  idx_t ncol = Lib().duckdb_column_count(res);
  std::vector<std::unique_ptr<LogicalType>> types;
  for (idx_t c = 0; c < ncol; ++c) {
    r.names_.emplace_back(Lib().duckdb_column_name(res, c));
    types.push_back(std::make_unique<LogicalType>(Lib().duckdb_column_logical_type(res, c)));
    r.types_.push_back(TypeName(types.back()->get()));
  }
  // The chunks first, then the values in one allocation of the known size.
  std::vector<duckdb_data_chunk> chunks;
  auto release = [&] {
    for (auto& chunk : chunks) Lib().duckdb_destroy_data_chunk(&chunk);
    Lib().duckdb_destroy_result(res);
  };
  try {
    while (duckdb_data_chunk chunk = Lib().duckdb_fetch_chunk(*res)) {
      chunks.push_back(chunk);
      r.rows_ += Lib().duckdb_data_chunk_get_size(chunk);
    }
    r.values_.resize(r.rows_ * ncol);
    size_t base = 0;
    for (duckdb_data_chunk chunk : chunks) {
      const idx_t n = Lib().duckdb_data_chunk_get_size(chunk);
      for (idx_t c = 0; c < ncol; ++c) {
        duckdb_vector vec = Lib().duckdb_data_chunk_get_vector(chunk, c);
        for (idx_t i = 0; i < n; ++i) r.values_[(base + i) * ncol + c] = Decode(vec, types[c]->get(), i);
      }
      base += n;
    }
  } catch (...) {
    release();
    throw;
  }
  release();
  return r;
}

Connection::Connection(Database& db) {
  if (Lib().duckdb_connect(db.raw(), &con_) != DuckDBSuccess) throw Error("cannot connect to DuckDB");
  // A TEMP macro is the connection's own: it also works on a read-only database.
  Execute(
      "SET TimeZone='UTC'; "
      "CREATE TEMP MACRO approx_percentile_cont(x, p) AS approx_quantile(x, p)");
}

Connection::~Connection() { Lib().duckdb_disconnect(&con_); }

ScopedThreads::ScopedThreads(Connection& con, int64_t threads) : con_(con) {
  previous_ = std::max<int64_t>(
      1, con_.Query("SELECT current_setting('threads') AS t").at(0, "t").as_int());
  // Setting it starts or stops DuckDB's worker threads: not for nothing.
  if (threads == previous_) return;
  con_.Execute("SET threads = " + std::to_string(threads));
  changed_ = true;
}

ScopedThreads::~ScopedThreads() {
  if (!changed_) return;
  try {
    con_.Execute("SET threads = " + std::to_string(previous_));
  } catch (const std::exception& e) {
    spdlog::debug("cannot restore threads: {}", e.what());
  }
}

Result Connection::Query(const std::string& sql) {
  LogSql(sql);
  duckdb_result res;
  if (Lib().duckdb_query(con_, sql.c_str(), &res) != DuckDBSuccess) {
    std::string msg = Lib().duckdb_result_error(&res) ? Lib().duckdb_result_error(&res) : "query failed";
    Lib().duckdb_destroy_result(&res);
    throw Error(msg);
  }
  return ResultReader::Consume(&res);
}

PreparedStatement Connection::Prepare(const std::string& sql) {
  duckdb_prepared_statement st = nullptr;
  if (Lib().duckdb_prepare(con_, sql.c_str(), &st) != DuckDBSuccess) {
    std::string msg = Lib().duckdb_prepare_error(st) ? Lib().duckdb_prepare_error(st) : "prepare failed";
    Lib().duckdb_destroy_prepare(&st);
    throw Error(msg);
  }
  return PreparedStatement(st, sql);
}

PreparedStatement::~PreparedStatement() {
  if (st_ != nullptr) Lib().duckdb_destroy_prepare(&st_);
}

PreparedStatement::PreparedStatement(PreparedStatement&& o) noexcept
    : st_(o.st_), sql_(std::move(o.sql_)) {
  o.st_ = nullptr;
}

void PreparedStatement::Check(bool ok, size_t index) {
  if (!ok) throw Error(fmt::format("cannot bind parameter {} of: {}", index, sql_));
}

PreparedStatement& PreparedStatement::Bind(size_t i, std::nullopt_t) {
  Check(Lib().duckdb_bind_null(st_, i) == DuckDBSuccess, i);
  return *this;
}
PreparedStatement& PreparedStatement::Bind(size_t i, bool v) {
  Check(Lib().duckdb_bind_boolean(st_, i, v) == DuckDBSuccess, i);
  return *this;
}
PreparedStatement& PreparedStatement::Bind(size_t i, int64_t v) {
  Check(Lib().duckdb_bind_int64(st_, i, v) == DuckDBSuccess, i);
  return *this;
}
PreparedStatement& PreparedStatement::Bind(size_t i, double v) {
  Check(Lib().duckdb_bind_double(st_, i, v) == DuckDBSuccess, i);
  return *this;
}
PreparedStatement& PreparedStatement::Bind(size_t i, std::string_view v) {
  Check(Lib().duckdb_bind_varchar_length(st_, i, v.data(), v.size()) == DuckDBSuccess, i);
  return *this;
}
PreparedStatement& PreparedStatement::Bind(size_t i, Timestamp v) {
  Check(Lib().duckdb_bind_timestamp(st_, i, duckdb_timestamp{v.micros}) == DuckDBSuccess, i);
  return *this;
}

Result PreparedStatement::Execute() {
  LogSql(sql_);
  duckdb_result res;
  if (Lib().duckdb_execute_prepared(st_, &res) != DuckDBSuccess) {
    std::string msg = Lib().duckdb_result_error(&res) ? Lib().duckdb_result_error(&res) : "execute failed";
    Lib().duckdb_destroy_result(&res);
    throw Error(msg);
  }
  return ResultReader::Consume(&res);
}

Appender::Appender(Connection& con, const std::string& table) : table_(table) {
  if (Lib().duckdb_appender_create(con.raw(), nullptr, table.c_str(), &app_) != DuckDBSuccess) {
    std::string msg = app_ && Lib().duckdb_appender_error(app_) ? Lib().duckdb_appender_error(app_) : "cannot append";
    Lib().duckdb_appender_destroy(&app_);
    throw Error(msg, table);
  }
}

Appender::~Appender() {
  if (app_ != nullptr) Lib().duckdb_appender_destroy(&app_);
}

void Appender::Check(bool ok) {
  if (!ok) {
    const char* e = Lib().duckdb_appender_error(app_);
    throw Error(e ? e : "append failed", table_);
  }
}

Appender& Appender::Null() {
  Check(Lib().duckdb_append_null(app_) == DuckDBSuccess);
  return *this;
}
Appender& Appender::Double(double v) {
  Check(Lib().duckdb_append_double(app_, v) == DuckDBSuccess);
  return *this;
}
Appender& Appender::Int(int64_t v) {
  Check(Lib().duckdb_append_int64(app_, v) == DuckDBSuccess);
  return *this;
}
Appender& Appender::Text(std::string_view v) {
  Check(Lib().duckdb_append_varchar_length(app_, v.data(), v.size()) == DuckDBSuccess);
  return *this;
}
Appender& Appender::Time(Timestamp v) {
  Check(Lib().duckdb_append_timestamp(app_, duckdb_timestamp{v.micros}) == DuckDBSuccess);
  return *this;
}
void Appender::EndRow() { Check(Lib().duckdb_appender_end_row(app_) == DuckDBSuccess); }

void Appender::Close() {
  Check(Lib().duckdb_appender_close(app_) == DuckDBSuccess);
}

}  // namespace pond::engine
