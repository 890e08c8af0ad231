// The DuckDB layer: a thin RAII wrapper over DuckDB's C API (duckdb.h, v1.4.4).
// Everything DuckPond asks of DuckDB — SQL, Parquet, COPY — goes through these
// classes. Every statement is logged at debug level; every failure throws
// pond::Error carrying DuckDB's own message. libduckdb.so is loaded on first use
// (the first Database, or LibraryVersion()): code that never opens a Database
// never loads it. duckdb.h stays inside src/engine/: this header names DuckDB's
// handles only by their opaque struct tags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"

struct _duckdb_database;
struct _duckdb_connection;
struct _duckdb_prepared_statement;
struct _duckdb_appender;

namespace pond::engine {

struct ResultReader;

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

  _duckdb_database* raw() const { return db_; }

 private:
  _duckdb_database* db_ = nullptr;
};

// One row of a Result: its values by column index. Valid while the Result lives.
class Row {
 public:
  Row(const Value* values, size_t n) : v_(values), n_(n) {}
  const Value& operator[](size_t c) const { return v_[c]; }
  size_t size() const { return n_; }
  const Value* begin() const { return v_; }
  const Value* end() const { return v_ + n_; }

 private:
  const Value* v_;
  size_t n_;
};

// A materialized query result, read through DuckDB data chunks. The values are
// kept in one array, row after row: one allocation per result, not per row (a page
// fault costs ~15 µs on the machines we measure on; see docs/benchmarks.md).
class Result {
 public:
  // The rows, for `for (const auto& row : r.rows())`.
  class Rows {
   public:
    class iterator {
     public:
      iterator(const Result* r, size_t i) : r_(r), i_(i) {}
      Row operator*() const { return r_->row(i_); }
      iterator& operator++() { ++i_; return *this; }
      bool operator!=(const iterator& o) const { return i_ != o.i_; }

     private:
      const Result* r_;
      size_t i_;
    };
    explicit Rows(const Result* r) : r_(r) {}
    iterator begin() const { return {r_, 0}; }
    iterator end() const { return {r_, r_->row_count()}; }
    size_t size() const { return r_->row_count(); }
    Row at(size_t i) const;  // throws Error past the end

   private:
    const Result* r_;
  };

  size_t column_count() const { return names_.size(); }
  size_t row_count() const { return rows_; }
  const std::vector<std::string>& column_names() const { return names_; }
  // DuckDB's type name of each column, e.g. "TIMESTAMP", "MAP(VARCHAR, VARCHAR)".
  const std::vector<std::string>& column_types() const { return types_; }
  // Index of a column by name; throws Error if absent.
  size_t ColumnIndex(std::string_view name) const;
  const Value& at(size_t row, size_t col) const { return values_[row * names_.size() + col]; }
  const Value& at(size_t row, std::string_view col) const { return at(row, ColumnIndex(col)); }
  Row row(size_t i) const { return Row(values_.data() + i * names_.size(), names_.size()); }
  Rows rows() const { return Rows(this); }

 private:
  friend struct ResultReader;  // fills a Result from a duckdb_result (duckdb.cc)
  std::vector<std::string> names_;
  std::vector<std::string> types_;
  size_t rows_ = 0;
  std::vector<Value> values_;  // row-major: row r, column c at r * columns + c
};

class PreparedStatement;

// A connection. Sessions are set to TimeZone='UTC' and know the SQL functions the
// original DuckPond's configs call that DuckDB names differently
// (docs/original.md): approx_percentile_cont(x, p) is approx_quantile(x, p).
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

  _duckdb_connection* raw() const { return con_; }

 private:
  _duckdb_connection* con_ = nullptr;
};

// Sets DuckDB's `threads` (a database-wide setting) for a scope and restores the
// value it had. Many small statements run faster on one DuckDB thread than spread
// over several, which spend more time handing work over than doing it.
class ScopedThreads {
 public:
  ScopedThreads(Connection& con, int64_t threads);
  ~ScopedThreads();
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;
  // The setting before this scope.
  int64_t previous() const { return previous_; }

 private:
  Connection& con_;
  int64_t previous_ = 1;
  bool changed_ = false;
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
  PreparedStatement(_duckdb_prepared_statement* st, std::string sql)
      : st_(st), sql_(std::move(sql)) {}
  void Check(bool ok, size_t index);
  _duckdb_prepared_statement* st_ = nullptr;
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
  void Check(bool ok);
  _duckdb_appender* app_ = nullptr;
  std::string table_;
};

}  // namespace pond::engine
