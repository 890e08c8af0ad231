// The DuckDB layer: a thin RAII wrapper over DuckDB's C API (duckdb.h, v1.4.4).
// Everything DuckPond asks of DuckDB — SQL, Parquet, COPY, the pond's catalog —
// goes through these classes. Every statement is logged at debug level; every
// failure throws pond::Error carrying DuckDB's own message.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"

namespace pond::engine {

// DuckDB's library version string, e.g. "v1.4.4".
std::string LibraryVersion();

// Quotes an SQL identifier: `a"b` → `"a""b"`. Use for every column/table name.
std::string QuoteIdent(std::string_view name);
// Quotes an SQL string literal: `it's` → `'it''s'`.
std::string QuoteLiteral(std::string_view text);

// A database: a file (the pond catalog) or in-memory (path empty).
class Database {
 public:
  // Opens or creates the database. read_only opens an existing file for reading,
  // which several processes may do at once. Throws Error naming the path.
  explicit Database(const std::string& path = "", bool read_only = false);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  duckdb_database raw() const { return db_; }

 private:
  duckdb_database db_ = nullptr;
};

// A materialized query result, read through DuckDB data chunks.
class Result {
 public:
  size_t column_count() const { return names_.size(); }
  size_t row_count() const { return rows_.size(); }
  const std::vector<std::string>& column_names() const { return names_; }
  // DuckDB's type name of each column, e.g. "TIMESTAMP", "MAP(VARCHAR, VARCHAR)".
  const std::vector<std::string>& column_types() const { return types_; }
  // Index of a column by name; throws Error if absent.
  size_t ColumnIndex(std::string_view name) const;
  const Value& at(size_t row, size_t col) const { return rows_[row][col]; }
  const Value& at(size_t row, std::string_view col) const { return rows_[row][ColumnIndex(col)]; }
  const std::vector<std::vector<Value>>& rows() const { return rows_; }

 private:
  friend class Connection;
  friend class PreparedStatement;
  static Result Consume(duckdb_result* res);
  std::vector<std::string> names_;
  std::vector<std::string> types_;
  std::vector<std::vector<Value>> rows_;
};

class PreparedStatement;

// A connection. Sessions are set to TimeZone='UTC'.
class Connection {
 public:
  explicit Connection(Database& db);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL (one or more statements) and returns the last statement's result.
  Result Query(const std::string& sql);
  // Runs SQL, discarding any result.
  void Execute(const std::string& sql) { Query(sql); }
  PreparedStatement Prepare(const std::string& sql);

  duckdb_connection raw() const { return con_; }

 private:
  duckdb_connection con_ = nullptr;
};

// A prepared statement with positional parameters ($1, $2, … or ?), 1-based.
class PreparedStatement {
 public:
  ~PreparedStatement();
  PreparedStatement(PreparedStatement&& o) noexcept;
  PreparedStatement& operator=(PreparedStatement&&) = delete;
  PreparedStatement(const PreparedStatement&) = delete;

  PreparedStatement& Bind(size_t index, std::nullopt_t);
  PreparedStatement& Bind(size_t index, bool v);
  PreparedStatement& Bind(size_t index, int64_t v);
  PreparedStatement& Bind(size_t index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  PreparedStatement& Bind(size_t index, double v);
  PreparedStatement& Bind(size_t index, std::string_view v);
  PreparedStatement& Bind(size_t index, const char* v) { return Bind(index, std::string_view(v)); }
  PreparedStatement& Bind(size_t index, const std::string& v) { return Bind(index, std::string_view(v)); }
  PreparedStatement& Bind(size_t index, Timestamp v);
  template <class T>
  PreparedStatement& Bind(size_t index, const std::optional<T>& v) {
    return v ? Bind(index, *v) : Bind(index, std::nullopt);
  }

  // Executes with the current bindings (which stay bound for the next call).
  Result Execute();

 private:
  friend class Connection;
  PreparedStatement(duckdb_prepared_statement st, std::string sql)
      : st_(st), sql_(std::move(sql)) {}
  void Check(duckdb_state s, size_t index);
  duckdb_prepared_statement st_ = nullptr;
  std::string sql_;
};

// Appends rows to an existing table, row by row, through DuckDB's appender (for
// data that arrives in memory, like HTTP readings). Values go in column order;
// Close() (or destruction) flushes. Throws Error with DuckDB's message.
class Appender {
 public:
  Appender(Connection& con, const std::string& table);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  Appender& Null();
  Appender& Double(double v);
  Appender& Int(int64_t v);
  Appender& Text(std::string_view v);
  Appender& Time(Timestamp v);
  void EndRow();
  void Close();

 private:
  void Check(duckdb_state s);
  duckdb_appender app_ = nullptr;
  std::string table_;
};

}  // namespace pond::engine
