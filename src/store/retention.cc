#include "store/retention.h"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "store/blob_store.h"
#include "store/pond_impl.h"

namespace pond::store {

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// One blob as a node's views use it: from `born` (the transaction that made it
// readable) until `died` (the one that replaced it or merged it into a segment).
struct Use {
  std::string file;
  int64_t born = 0, died = kNever;
};

// A node's versions and segments replayed in commit order. A version replaces the
// previous one (tables, data, configs) or joins the cover as its own piece (series,
// file:log);
// a segment takes the place of every piece inside its version range. Merges only ever
// join whole consecutive pieces of the latest cover, so segments nest (a laminar
// family) and a piece that leaves the cover never comes back.
class NodeReplay {
 public:
  // `pieces`: versions join the cover (series, file:log) rather than replace it.
  explicit NodeReplay(bool pieces, std::string ext) : pieces_(pieces), ext_(std::move(ext)) {}

  void Version(int version, int64_t seq, const std::string& hash) {
    if (!pieces_ && !top_.empty()) {  // the new version replaces the node's content
      End(top_.begin()->second, seq);
      top_.clear();
    }
    uses_.push_back({BlobRelativePath(hash, ext_), seq, kNever});
    top_[version] = uses_.size() - 1;
  }
  void Segment(int first, int last, int64_t seq, const std::string& hash) {
    auto it = top_.lower_bound(first);
    while (it != top_.end() && it->first <= last) {
      End(it->second, seq);
      it = top_.erase(it);
    }
    uses_.push_back({BlobRelativePath(hash, ext_), seq, kNever});
    top_[first] = uses_.size() - 1;
  }
  const std::vector<Use>& uses() const { return uses_; }

 private:
  void End(size_t use, int64_t seq) { uses_[use].died = seq; }
  bool pieces_;
  std::string ext_;
  std::vector<Use> uses_;
  std::map<int, size_t> top_;  // the latest cover: first version → its use
};

}  // namespace

int64_t Horizon(sqlite::Db& db) {
  auto st = db.Prepare("SELECT value FROM meta WHERE key = 'horizon'");
  return st.Step() ? std::stoll(st.Text(0)) : 1;
}

std::set<std::string> NeededBlobs(sqlite::Db& db, int64_t horizon, int64_t last_seq) {
  struct Event {
    int64_t node, seq;
    int kind;  // 0: version, 1: segment (after the versions of its transaction)
    int first, last;
    std::string hash;
  };
  std::vector<Event> events;
  std::map<int64_t, Kind> kinds;
  auto versions = db.Prepare(
      "SELECT v.node_id, v.version, v.txn_seq, v.blob, n.kind FROM versions v "
      "JOIN nodes n ON n.node_id = v.node_id WHERE v.txn_seq <= ?1");
  versions.Bind(1, last_seq);
  while (versions.Step()) {
    const int v = static_cast<int>(versions.Int(1));
    events.push_back({versions.Int(0), versions.Int(2), 0, v, v, versions.Text(3)});
    kinds[versions.Int(0)] = ParseKind(versions.Text(4));
  }
  auto segments = db.Prepare(
      "SELECT node_id, first_version, last_version, created_seq, blob FROM segments "
      "WHERE created_seq <= ?1");
  segments.Bind(1, last_seq);
  while (segments.Step())
    events.push_back({segments.Int(0), segments.Int(3), 1, static_cast<int>(segments.Int(1)),
                      static_cast<int>(segments.Int(2)), segments.Text(4)});
  // Commit order; in one transaction versions first, then merges smallest first (a
  // later merge of the same transaction contains the earlier ones).
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.node != b.node) return a.node < b.node;
    if (a.seq != b.seq) return a.seq < b.seq;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.last - a.first != b.last - b.first) return a.last - a.first < b.last - b.first;
    return a.first < b.first;
  });
  // A node no view after its removal reaches (`pond rm`; every entry naming it
  // deleted) is read by no view from then on.
  std::map<int64_t, int64_t> removed;
  auto entries = db.Prepare(
      "SELECT node_id, max(coalesce(deleted_seq, ?2)) FROM entries WHERE created_seq <= ?1 "
      "GROUP BY node_id");
  entries.Bind(1, last_seq).Bind(2, kNever);
  while (entries.Step())
    if (entries.Int(1) != kNever) removed[entries.Int(0)] = entries.Int(1);
  std::set<std::string> needed;
  for (size_t i = 0; i < events.size();) {
    const int64_t node = events[i].node;
    const Kind kind = kinds.count(node) ? kinds[node] : Kind::kSeries;
    NodeReplay replay(kind == Kind::kSeries || kind == Kind::kLog, BlobExtension(kind));
    for (; i < events.size() && events[i].node == node; ++i) {
      const Event& e = events[i];
      if (e.kind == 0)
        replay.Version(e.first, e.seq, e.hash);
      else
        replay.Segment(e.first, e.last, e.seq, e.hash);
    }
    // Used by the views [born, died); needed when that meets [horizon, last_seq].
    const auto gone = removed.find(node);
    const int64_t end = gone == removed.end() ? kNever : gone->second;
    for (const Use& u : replay.uses()) {
      const int64_t died = std::min(u.died, end);
      if (died > u.born && died > horizon) needed.insert(u.file);
    }
  }
  return needed;
}

std::set<std::string> ReferencedBlobs(sqlite::Db& db) {
  std::set<std::string> out;
  auto versions = db.Prepare(
      "SELECT v.blob, n.kind FROM versions v JOIN nodes n ON n.node_id = v.node_id");
  while (versions.Step())
    out.insert(BlobRelativePath(versions.Text(0), BlobExtension(ParseKind(versions.Text(1)))));
  // A series' segments are Parquet, a file:log's raw (a segment without a node: Parquet).
  auto segments = db.Prepare(
      "SELECT s.blob, coalesce(n.kind, 'file:series') FROM segments s "
      "LEFT JOIN nodes n ON n.node_id = s.node_id");
  while (segments.Step())
    out.insert(BlobRelativePath(segments.Text(0), BlobExtension(ParseKind(segments.Text(1)))));
  return out;
}

}  // namespace pond::store
