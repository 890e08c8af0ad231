#include "factories/reduce_cache.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "factories/sql.h"

namespace pond::factories {

namespace {

constexpr const char* kPacks = "reduce-pack";
constexpr const char* kIndexes = "reduce-pack-index";

constexpr int64_t kSpanTargetUs = int64_t{28} * 86400 * 1'000'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t SpanWidth(int64_t bucket_us) {
  return bucket_us * std::max<int64_t>(1, (kSpanTargetUs + bucket_us - 1) / bucket_us);
}

std::vector<SpanStretch> Stretches(const std::vector<int64_t>& spans, bool open_end) {
  std::vector<SpanStretch> out;
  for (int64_t k : spans) {
    if (!out.empty() && *out.back().end == k)
      out.back().end = k + 1;
    else
      out.push_back({k, k + 1});
  }
  if (open_end && !out.empty()) out.back().end.reset();
  return out;
}

std::string PackIndex::Format(const std::string& pack, int64_t first,
                              const std::vector<std::string>& keys) {
  std::string text = pack + "\n" + std::to_string(first) + "\n";
  for (const auto& key : keys) text += key + "\n";
  return text;
}

PackIndex PackIndex::Parse(const std::optional<std::string>& text) {
  PackIndex out;
  if (!text) return out;
  std::vector<std::string> lines;
  for (size_t at = 0; at < text->size();) {
    const size_t end = text->find('\n', at);
    if (end == std::string::npos) return {};  // cut short
    lines.push_back(text->substr(at, end - at));
    at = end + 1;
  }
  if (lines.size() < 2) return {};
  int64_t k = 0;
  try {
    size_t used = 0;
    k = std::stoll(lines[1], &used);
    if (used != lines[1].size()) return {};
  } catch (const std::exception&) {
    return {};
  }
  out.pack = lines[0];
  for (size_t i = 2; i < lines.size(); ++i) out.spans[k++] = lines[i];
  return out;
}

int64_t ReduceCache::SpanOf(int64_t us) const { return FloorDiv(us, span_us_); }

std::string ReduceCache::InStretches(const std::string& time,
                                     const std::vector<SpanStretch>& stretches) const {
  std::string out;
  for (const auto& s : stretches) {
    std::string cond = time + " >= " + sql::TimestampLiteral(s.first * span_us_);
    if (s.end) cond += " AND " + time + " < " + sql::TimestampLiteral(*s.end * span_us_);
    out += (out.empty() ? "(" : " OR (") + cond + ")";
  }
  return "(" + out + ")";
}

std::optional<std::string> ReduceCache::FindPack(const std::string& key,
                                                 const std::string& output_key) {
  std::optional<std::string> file = cache_.Find(kPacks, key);
  if (file) cache_.MarkTextUsed(kIndexes, output_key);
  return file;
}

std::string ReduceCache::ReadPack(const std::string& file, const std::string& columns,
                                  const TimeRange& range) {
  return "(SELECT " + columns + " FROM read_parquet(" + sql::Literal(file) + ")" +
         sql::WhereInRange("\"timestamp\"", range) + ")";
}

std::optional<std::string> ReduceCache::WritePack(engine::Connection& con, const NewPack& pack,
                                                  const Compute& compute) {
  std::vector<int64_t> copied, computed;
  std::optional<std::string> previous;
  const PackIndex index = PackIndex::Parse(cache_.FindText(kIndexes, pack.output_key));
  if (index.pack) previous = cache_.Find(kPacks, *index.pack);
  for (int64_t k = pack.first; k < pack.hot; ++k) {
    const auto it = index.spans.find(k);
    const bool same =
        previous && it != index.spans.end() && it->second == pack.span_keys[k - pack.first];
    (same ? copied : computed).push_back(k);
  }
  const int64_t cold_computed = static_cast<int64_t>(computed.size());
  computed.push_back(pack.hot);  // and every span after it
  std::string select = "SELECT * FROM (";
  if (!copied.empty())
    select += "SELECT " + pack.columns + " FROM read_parquet(" + sql::Literal(*previous) +
              ") WHERE " + InStretches("\"timestamp\"", Stretches(copied, false)) + " UNION ALL ";
  select += "SELECT * FROM " + compute(computed.front() * span_us_, Stretches(computed, true)) +
            ") ORDER BY 1";
  std::optional<std::string> file = cache_.Put(con, kPacks, pack.key, select);
  if (!file) return std::nullopt;
  cache_.CountParts(static_cast<int64_t>(copied.size()), cold_computed);
  spdlog::debug("{}: pack of {} cold spans written, {} from the previous pack, {} computed",
                pack.label, pack.span_keys.size(), copied.size(), cold_computed);
  cache_.PutText(kIndexes, pack.output_key,
                 PackIndex::Format(pack.key, pack.first, pack.span_keys));
  return file;
}

}  // namespace pond::factories
