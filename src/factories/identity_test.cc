// View::Identity, View::Extent and range-restricted relations, on their own: an
// identity over a range changes exactly when the rows in that range may change, and
// a range read returns the rows in range exactly as a whole read does.
#include "factories/temp_pond_test.h"
#include "factories/view.h"

namespace pond::factories {
namespace {

const int64_t kStart = ParseTimestampText("2024-07-01 00:00:00").value();

store::TableSource Hours(int64_t start, int n, const std::string& extra = "") {
  return {"SELECT TIMESTAMP " + engine::QuoteLiteral(FormatTimestamp(start)) +
              " + INTERVAL (i) HOUR AS \"timestamp\", i * 0.5 AS v" + extra + " FROM range(" +
              std::to_string(n) + ") t(i)",
          "gen", ""};
}

class IdentityTest : public TempPondTest {
 protected:
  void SetUp() override {
    TempPondTest::SetUp();
    Write([](store::Transaction& t) {
      t.Mkdir("/raw", false);
      t.AppendSeries("/raw/a.series", Hours(kStart, 10 * 24));  // ten days
      t.AppendSeries("/raw/b.series", Hours(kStart + 5 * kDay, 10 * 24));
      t.WriteTable("/raw/t.table", Hours(kStart, 3));
      t.Mknod("/join", "timeseries-join",
              "inputs:\n  - {pattern: /raw/a.series, scope: A}\n"
              "  - {pattern: /raw/b.series, scope: B, range: {end: '2024-07-12'}}\n",
              false);
      t.Mknod("/r", "temporal-reduce",
              "in_pattern: /raw/a.series\nout_pattern: x\nresolutions: [1d]\n"
              "aggregations: [{type: avg}]\n",
              false);
      t.Mknod("/sql", "sql-derived-series",
              "patterns: {a: /raw/a.series}\n"
              "query: SELECT timestamp, v - LAG(v) OVER (ORDER BY timestamp) AS d FROM a\n",
              false);
      t.Mknod("/sql-window", "sql-derived-series",
              "patterns: {a: /raw/a.series}\nquery: SELECT timestamp, avg(v) OVER (ORDER BY "
              "timestamp RANGE BETWEEN INTERVAL 2 HOURS PRECEDING AND CURRENT ROW) AS m FROM a\n",
              false);
    });
  }
  // Identities of `path` over the first, second and third day of the data, and all time.
  std::vector<std::optional<std::string>> Ids(const std::string& path) {
    auto pond = store::Pond::OpenRead(dir_);
    View view(*pond, {});
    Node node = view.Get(path);
    std::vector<std::optional<std::string>> out;
    for (int d = 0; d < 3; ++d)
      out.push_back(view.Identity(node, {kStart + d * kDay, kStart + (d + 1) * kDay}));
    out.push_back(view.Identity(node, {}));
    return out;
  }
};

TEST_F(IdentityTest, ASeriesIdentityChangesWithTheRowsInItsRange) {
  const auto before = Ids("/raw/a.series");
  ASSERT_TRUE(before[0]);
  EXPECT_NE(before[0], before[1]);          // another range, other rows
  EXPECT_EQ(Ids("/raw/a.series"), before);  // stable across views
  // Late rows on day 2 only.
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Hours(kStart + kDay + 3 * kHour, 2));
  });
  const auto after = Ids("/raw/a.series");
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NE(after[1], before[1]);
  EXPECT_EQ(after[2], before[2]);
  EXPECT_NE(after[3], before[3]);
  // A column added later changes every range: old rows read it as NULL.
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Hours(kStart + 20 * kDay, 1, ", 1 AS extra"));
  });
  EXPECT_NE(Ids("/raw/a.series")[0], after[0]);
}

TEST_F(IdentityTest, AnEarlierViewKeepsItsIdentity) {
  const auto before = Ids("/raw/a.series");
  const int64_t seq = store::Pond::OpenRead(dir_)->last_seq();
  Write([](store::Transaction& t) { t.AppendSeries("/raw/a.series", Hours(kStart, 1)); });
  auto pond = store::Pond::OpenRead(dir_, seq);
  View view(*pond, {});
  EXPECT_EQ(view.Identity(view.Get("/raw/a.series"), {kStart, kStart + kDay}), before[0]);
}

TEST_F(IdentityTest, TablesAndDerivedNodes) {
  const auto table = Ids("/raw/t.table");
  EXPECT_EQ(table[0], table[1]);  // a table has no time ranges
  Write([](store::Transaction& t) { t.WriteTable("/raw/t.table", Hours(kStart, 4)); });
  EXPECT_NE(Ids("/raw/t.table")[0], table[0]);

  const auto join = Ids("/join");
  ASSERT_TRUE(join[0]);
  const auto reduce = Ids("/r/x/res=1d.series");
  ASSERT_TRUE(reduce[0]);
  // sql-derived with a LAG (a reach in rows, not in time): it may read any row, so
  // every range has the identity of all time.
  const auto sql = Ids("/sql");
  ASSERT_TRUE(sql[0]);
  EXPECT_EQ(sql[0], sql[1]);
  EXPECT_EQ(sql[0], sql[3]);
  // With a RANGE frame of two hours: each day is named by its inputs from two hours
  // before it.
  const auto window = Ids("/sql-window");
  ASSERT_TRUE(window[0]);
  EXPECT_NE(window[0], window[1]);
  EXPECT_NE(window[0], window[3]);
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Hours(kStart + kDay + 3 * kHour, 2));
  });
  const auto join2 = Ids("/join");
  const auto reduce2 = Ids("/r/x/res=1d.series");
  EXPECT_NE(Ids("/sql")[0], sql[0]);  // a row on day two changes day one too
  EXPECT_EQ(Ids("/sql"), Ids("/sql"));  // and nothing else does
  const auto window2 = Ids("/sql-window");
  EXPECT_EQ(window2[0], window[0]);  // day two's rows are not within two hours of day one
  EXPECT_NE(window2[1], window[1]);
  EXPECT_EQ(window2[2], window[2]);  // nor of day three (03:00 + 2 h < 24:00)
  EXPECT_NE(window2[3], window[3]);
  Write([](store::Transaction& t) {
    t.Mknod("/sql-clock", "sql-derived-series",
            "patterns: {a: /raw/a.series}\nquery: SELECT *, now() AS at FROM a\n", false);
  });
  EXPECT_FALSE(Ids("/sql-clock")[0]);  // a query of the clock has none: nothing cached
  EXPECT_EQ(join2[0], join[0]);
  EXPECT_NE(join2[1], join[1]);
  EXPECT_EQ(reduce2[0], reduce[0]);
  EXPECT_NE(reduce2[1], reduce[1]);
  // b's range ends 2024-07-12: rows after it do not change the join.
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  const TimeRange late{kStart + 12 * kDay, kStart + 13 * kDay};
  const auto id = view.Identity(view.Get("/join"), late);
  pond.reset();
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/b.series", Hours(kStart + 12 * kDay + kHour, 1));
  });
  pond = store::Pond::OpenRead(dir_);
  View view2(*pond, {});
  EXPECT_EQ(view2.Identity(view2.Get("/join"), late), id);
}

// The original's allowed_lateness changes nothing we compute (we never seal buckets)
// but is part of the config, so of the identity: caches keyed by it start afresh.
TEST_F(IdentityTest, AllowedLatenessIsPartOfAReductionsIdentityNotOfItsRows) {
  const std::string config =
      "in_pattern: /raw/a.series\nout_pattern: x\nresolutions: [1d]\naggregations: [{type: avg}]\n";
  Write([&](store::Transaction& t) {
    t.Mknod("/late", "temporal-reduce", config + "allowed_lateness: 14d\n", false);
  });
  EXPECT_NE(Ids("/late/x/res=1d.series"), Ids("/r/x/res=1d.series"));
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  auto rows = [&](const std::string& path) {
    auto r = pond->sql().Query("SELECT * FROM " + view.RelationSql(view.Get(path)) + " ORDER BY 1");
    std::string out;
    for (size_t i = 0; i < r.row_count(); ++i)
      for (size_t c = 0; c < r.column_count(); ++c) out += r.at(i, c).ToString() + "\n";
    return out;
  };
  const std::string late = rows("/late/x/res=1d.series");
  EXPECT_NE(late.find("\n"), std::string::npos);
  EXPECT_EQ(late, rows("/r/x/res=1d.series"));
}

TEST_F(IdentityTest, Extents) {
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  auto a = view.Extent(view.Get("/raw/a.series"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->min, kStart);
  EXPECT_EQ(a->max, kStart + 239 * kHour);
  auto join = view.Extent(view.Get("/join"));
  ASSERT_TRUE(join);
  EXPECT_EQ(join->min, kStart);
  EXPECT_EQ(join->max, kStart + 11 * kDay - 1);  // b's range ends at 07-12 00:00
  auto reduce = view.Extent(view.Get("/r/x/res=1d.series"));
  ASSERT_TRUE(reduce);
  EXPECT_EQ(reduce->max, kStart + 9 * kDay);  // bucket labels
  EXPECT_FALSE(view.Extent(view.Get("/raw/t.table")));
  EXPECT_FALSE(view.Extent(view.Get("/sql")));  // a LAG: its reach is unknown
  auto window = view.Extent(view.Get("/sql-window"));
  ASSERT_TRUE(window);
  EXPECT_EQ(window->min, a->min);
  EXPECT_EQ(window->max, a->max);
}

// A range read has the rows of a whole read in that range, in the same order, and
// reads only the blobs whose times overlap it.
TEST_F(IdentityTest, RangeReadsEqualWholeReadsFiltered) {
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Hours(kStart + 2 * kDay + 30 * 60 * 1'000'000, 5));  // late
    t.AppendSeries("/raw/a.series", Hours(kStart + 30 * kDay, 5, ", 'x' AS extra"));
  });
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  // The reduction (1d buckets; with the cache, a cold span and the hot one) is also
  // read over ranges that cut buckets.
  for (const char* path : {"/raw/a.series", "/join", "/r/x/res=1d.series"}) {
    for (const TimeRange range :
         {TimeRange{kStart + kDay, kStart + 3 * kDay}, TimeRange{kStart + 29 * kDay, std::nullopt},
          TimeRange{std::nullopt, kStart}, TimeRange{kStart + 90 * kDay, {}},
          TimeRange{kStart + kDay + 5 * kHour, kStart + 3 * kDay + 2 * kHour},
          TimeRange{kStart + 20 * kDay + kHour, kStart + 30 * kDay + kHour}}) {
      Node node = view.Get(path);
      const std::string where =
          std::string(" WHERE \"timestamp\" >= ") +
          (range.begin ? "TIMESTAMP '" + FormatTimestamp(*range.begin) + "'" : "'-infinity'") +
          " AND \"timestamp\" < " +
          (range.end ? "TIMESTAMP '" + FormatTimestamp(*range.end) + "'" : "'infinity'");
      auto whole = pond->sql().Query("SELECT * FROM " + view.RelationSql(node) + where);
      // The view that read the reduction first has it as one file; a later view reads
      // the cached run and computes the hot span.
      View later(*pond, {});
      for (View* v : {&view, &later}) {
        auto part =
            pond->sql().Query("SELECT * FROM " + v->RelationSql(v->Get(path), range) + where);
        ASSERT_EQ(part.column_names(), whole.column_names()) << path;
        ASSERT_EQ(part.column_types(), whole.column_types()) << path;
        ASSERT_EQ(part.row_count(), whole.row_count()) << path;
        for (size_t r = 0; r < whole.row_count(); ++r)
          for (size_t c = 0; c < whole.column_count(); ++c)
            EXPECT_EQ(part.at(r, c).ToString(), whole.at(r, c).ToString())
                << path << " row " << r;
      }
    }
  }
  // Only the late version's blob and the first overlap day 2-3; none overlaps day 90.
  const std::string sql = view.RelationSql(view.Get("/raw/a.series"), {kStart + 90 * kDay, {}});
  EXPECT_EQ(sql.find("read_parquet"), std::string::npos) << sql;
}

// The columns export takes from a reduction without binding its relation are the
// ones DESCRIBE gives: names, order and type names, counts of rows and of a text
// column included.
TEST_F(IdentityTest, AReductionKnowsItsColumnsAsDescribeGivesThem) {
  Write([](store::Transaction& t) {
    t.AppendSeries("/raw/a.series", Hours(kStart + 30 * kDay, 5, ", 'x' AS extra, 7 AS n"));
    t.Mknod("/r2", "temporal-reduce",
            "in_pattern: /raw/*.series\nout_pattern: all\nresolutions: [1h, 1d]\n"
            "aggregations:\n  - {type: count, columns: ['*', extra]}\n  - {type: sum}\n"
            "  - {type: max, columns: [n]}\n",
            false);
  });
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  for (const char* path : {"/r/x/res=1d.series", "/r2/all/res=1h.series", "/r2/all/res=1d.series"}) {
    const Node node = view.Get(path);
    const std::optional<std::vector<sql::Column>> known = view.KnownColumns(node);
    ASSERT_TRUE(known) << path;
    auto described = pond->sql().Query("DESCRIBE SELECT * FROM " + view.RelationSql(node));
    ASSERT_EQ(known->size(), described.row_count()) << path;
    for (size_t i = 0; i < known->size(); ++i) {
      EXPECT_EQ((*known)[i].name, described.at(i, "column_name").as_string()) << path;
      EXPECT_EQ((*known)[i].type, described.at(i, "column_type").as_string()) << path;
    }
  }
  EXPECT_FALSE(view.KnownColumns(view.Get("/join")));
  EXPECT_FALSE(view.KnownColumns(view.Get("/raw/a.series")));
}

}  // namespace
}  // namespace pond::factories
