#include "logfile/ingest.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "base/blake3.h"
#include "base/error.h"
#include "logfile/host_files.h"
#include "logfile/plan.h"
#include "path/path.h"
#include "store/result_cache.h"

namespace pond::logfile {

namespace {

constexpr const char* kStatKind = "logfile-stat";

// What stat says of a host file, as noted when its hash was last checked: an archive
// whose stat is unchanged is not hashed again (docs/logfile-ingest.md, "Archives").
std::string StatLine(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ino) + " " +
         std::to_string(st.st_dev);
}

std::string Bytes(int64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

Outcome Ingest(const std::string& dir, const std::string& node_path, const Config& config,
               const std::vector<std::string>& argv, const std::map<std::string, std::string>& vars,
               const Reporter& report) {
  auto pond = store::Pond::OpenWrite(dir);
  const std::string pond_path = NormalizePath(config.pond_path);

  // The copies as recorded: name → (N, H).
  std::map<std::string, PondCopy> copies;
  if (auto d = pond->Lookup(pond_path)) {
    if (d->kind != store::Kind::kDir) throw Error("pond_path is not a directory", pond_path);
    for (const auto& e : pond->Entries(*d)) {
      if (e.kind != store::Kind::kLog) continue;
      const store::LogState s = pond->LogStateOf(pond->Get(JoinPath(pond_path, e.name)));
      copies[e.name] = PondCopy{s.size, s.blake3};
    }
  }
  const std::vector<HostFile> host = ListHostFiles(config);
  if (host.empty()) {
    report.say("Logfile ingestion complete: no files to process");
    return {};
  }

  // An archive is hashed again only when its stat changed since it was last proven
  // whole (the note is a hint in the result cache: a lost one costs a hash). The stat
  // noted is the one taken before hashing: a change after the hash is another stat.
  store::ResultCache& cache = pond->cache();
  const auto stat_key = [&](const std::string& name) {
    return Blake3Hex(node_path + "\n" + JoinPath(pond_path, name));
  };
  std::map<std::string, std::string> note;  // archived copy's name → its note, now
  for (const HostFile& f : host)
    if (!f.active && copies.count(f.name))
      note[f.name] = StatLine(f.path) + " " + copies.at(f.name).blake3;
  const auto archived_changed = [&](const std::string& name) {
    const auto noted = cache.FindText(kStatKind, stat_key(name));
    return !noted || !note.count(name) || *noted != note.at(name);
  };
  const PrefixHash prefix_hash = [](const std::string& path, int64_t n) {
    return Blake3OfFile(path, n);
  };
  // Copies of active files gone from the host: rotated, the new file not made yet.
  std::vector<std::string> gone_active;
  for (const auto& [name, copy] : copies)
    if (IsActiveName(config, name) &&
        std::none_of(host.begin(), host.end(), [&](const HostFile& f) { return f.name == name; }))
      gone_active.push_back(name);
  const Plan plan = PlanRun(host, copies, gone_active, prefix_hash, archived_changed);
  for (const auto& w : plan.warnings) report.warn(w);

  Outcome out;
  out.unchanged = plan.unchanged;
  std::unique_ptr<store::Transaction> txn;
  bool changed = false;
  const auto begin = [&] {
    if (!txn) {
      txn = pond->Begin(argv, vars);
      txn->Mkdir(pond_path, /*parents=*/true);
    }
    return txn.get();
  };
  const auto host_file = [&](const std::string& name) -> const HostFile& {
    for (const HostFile& f : host)
      if (f.name == name) return f;
    throw Error("no host file", name);
  };
  std::set<std::string> claimed;  // archived files a rotation completed
  // Archived files whose every byte this run stores, name → their note (stat, BLAKE3):
  // proven whole as a verifying hash would prove them, so the next run need not read
  // them again.
  std::map<std::string, std::string> stored_whole;
  const auto add_new = [&](const std::string& name, const std::string& path, int64_t size) {
    report.say("Ingesting new file: " + name + " (" + Bytes(size) + ")");
    const std::string stat = StatLine(path);  // before reading: a later change shows
    const store::LogState s = begin()->AppendData(JoinPath(pond_path, name), path, size);
    if (!host_file(name).active) stored_whole[name] = stat + " " + s.blake3;
    ++out.new_files;
    out.new_bytes += size;
    changed = true;
  };
  const auto appended = [&](const std::string& name, int64_t from, int64_t to) {
    report.say("Appending to " + name + ": +" + std::to_string(to - from) + " bytes (" +
               std::to_string(from) + " -> " + std::to_string(to) + " bytes)");
    ++out.appended;
    out.appended_bytes += to - from;
    changed = true;
  };
  // The rotated file's bytes past the copy (written after the last run) are appended
  // before the rename, and reported as an append.
  const auto rotate = [&](const std::string& name, const HostFile& y) {
    const std::string stat = StatLine(y.path);  // before reading: a later change shows
    const store::LogState whole = begin()->AppendData(JoinPath(pond_path, name), y.path, y.size);
    stored_whole[y.name] = stat + " " + whole.blake3;
    const int64_t from = copies.at(name).size;
    if (y.size > from) appended(name, from, y.size);
    txn->Move(JoinPath(pond_path, name), JoinPath(pond_path, y.name));
    report.say("Rotation detected: " + name + " -> " + y.name + " (matched content)");
    claimed.insert(y.name);
    changed = true;
  };

  for (const Step& step : plan.steps) {
    const std::string path = JoinPath(pond_path, step.name);
    switch (step.kind) {
      case Step::Kind::kNew:
        if (!claimed.count(step.name)) add_new(step.name, step.host, step.to);
        break;
      case Step::Kind::kRotate:
        rotate(step.name, host_file(step.rename_to));
        break;
      case Step::Kind::kAppend: {
        try {
          // Without a change to make, a transaction is begun only to verify.
          const bool grows = step.to > step.from;
          store::Transaction* t = begin();
          t->AppendData(path, step.host, step.to);
          if (grows) {
            appended(step.name, step.from, step.to);
          } else {
            ++out.unchanged;
          }
        } catch (const store::PrefixMismatchError&) {
          const PondCopy& copy = copies.at(step.name);
          if (const HostFile* y = FindRotation(copy, host, copies, prefix_hash)) {
            rotate(step.name, *y);
            add_new(step.name, step.host, step.to);
          } else if (step.to == step.from) {
            report.warn(step.name + " changed but no matching archived file found");
            ++out.unchanged;
          } else {
            throw Error("Prefix verification failed for " + step.name + ": its first " +
                            Bytes(step.from) +
                            " are not the pond's copy. File may have been rotated during "
                            "ingestion.",
                        step.host);
          }
        }
        break;
      }
    }
  }
  if (changed) {
    txn->Commit();
    out.seq = txn->seq();
  }
  // Archives proven whole this run, by a hash or by storing them, need no hash next
  // time while their stat holds. The stat is the one taken before the bytes were read:
  // a change during the run shows at the next.
  for (const HostFile& f : host) {
    if (f.active) continue;
    if (auto s = stored_whole.find(f.name); s != stored_whole.end())
      cache.PutText(kStatKind, stat_key(f.name), s->second);
    else if (copies.count(f.name) && archived_changed(f.name))
      cache.PutText(kStatKind, stat_key(f.name), note.at(f.name));
  }

  if (!changed) {
    int64_t bytes = 0;
    for (const HostFile& f : host) bytes += f.size;
    report.say("Logfile ingestion complete: no changes (" + std::to_string(host.size()) +
               " files, " + Bytes(bytes) + " total)");
  } else {
    report.say("Logfile ingestion complete: " + std::to_string(out.new_files) + " new (" +
               Bytes(out.new_bytes) + "), " + std::to_string(out.appended) + " appended (+" +
               Bytes(out.appended_bytes) + "), " + std::to_string(out.unchanged) + " unchanged");
  }
  return out;
}

std::string B3sum(store::Pond& pond, const Config& config) {
  const std::string pond_path = NormalizePath(config.pond_path);
  std::string out;
  auto d = pond.Lookup(pond_path);
  if (!d) return out;
  for (const auto& e : pond.Entries(*d)) {
    if (e.kind != store::Kind::kLog) continue;
    out += pond.LogStateOf(pond.Get(JoinPath(pond_path, e.name))).blake3 + "  " + e.name + "\n";
  }
  return out;
}

}  // namespace pond::logfile
