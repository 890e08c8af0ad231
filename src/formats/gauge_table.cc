#include "formats/gauge_table.h"

#include <algorithm>

#include "formats/temp_table.h"

namespace pond::formats {

size_t GaugeTable::RowAt(int64_t micros) {
  if (last_row_ != SIZE_MAX && micros == last_micros_) return last_row_;
  auto [it, added] = row_of_.try_emplace(micros, times_.size());
  if (added) {
    times_.push_back(micros);
    for (Column& c : columns_) {
      c.values.push_back(0);
      c.set.push_back(false);
    }
  }
  last_micros_ = micros;
  return last_row_ = it->second;
}

size_t GaugeTable::ColumnOf(std::string_view metric) {
  if (auto it = column_of_.find(metric); it != column_of_.end()) return it->second;
  columns_.push_back(Column{std::string(metric), std::vector<double>(times_.size()),
                            std::vector<bool>(times_.size())});
  column_of_.emplace(std::string(metric), columns_.size() - 1);
  return columns_.size() - 1;
}

void GaugeTable::Set(int64_t micros, std::string_view metric, double value) {
  const size_t row = RowAt(micros);
  Column& column = columns_[ColumnOf(metric)];
  column.values[row] = value;
  column.set[row] = true;
}

int64_t GaugeTable::WriteParquet(engine::Connection& con, const std::string& output,
                                 const std::string& name) && {
  std::vector<const Column*> by_name;
  for (const Column& c : columns_) by_name.push_back(&c);
  std::sort(by_name.begin(), by_name.end(),
            [](const Column* a, const Column* b) { return a->metric < b->metric; });
  std::vector<TempTable::Column> schema{{"timestamp", "TIMESTAMP"}};
  std::vector<std::string> names{"timestamp"};
  for (const Column* c : by_name) {
    schema.push_back({c->metric, "DOUBLE"});
    names.push_back(c->metric);
  }
  TempTable table(con, schema, name);
  {
    engine::Appender appender(con, table.table());
    for (size_t row = 0; row < times_.size(); ++row) {
      appender.Time(engine::Timestamp{times_[row]});
      for (const Column* c : by_name) {
        if (c->set[row])
          appender.Double(c->values[row]);
        else
          appender.Null();
      }
      appender.EndRow();
    }
    appender.Close();
  }
  const int64_t rows = this->rows();
  *this = GaugeTable();  // DuckDB holds the rows now
  table.CopyToParquet(names, "timestamp", output);
  return rows;
}

}  // namespace pond::formats
