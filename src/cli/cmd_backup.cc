// `pond backup add|list|remove|push|verify` (docs/backup.md): backup targets kept in
// the pond, pushed to and checked against S3 or a host directory.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "backup/backup.h"
#include "base/error.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "store/pond.h"

namespace pond::cli {

namespace {

struct BackupOptions {
  std::string name, url;
};

std::string Mib(int64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

void RequireName(const std::string& name) {
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
  if (!ok) throw UsageError("a backup name is letters, digits, '_', '-' and '.'", name);
}

store::BackupTarget Find(const store::Pond& pond, const std::string& name) {
  for (auto& b : pond.Backups())
    if (b.name == name) return b;
  throw Error("no such backup", name);
}

void Add(const BackupOptions& o, const GlobalOptions& g) {
  RequireName(o.name);
  backup::ValidateUrl(o.url);  // before the transaction: a bad URL never reaches the log
  auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
  auto txn = pond->Begin(g.argv, g.vars);
  txn->AddBackup(o.name, o.url);
  txn->Commit();
  if (!g.quiet)
    PrintText(fmt::format("added backup {} ({}) in transaction {}\n", o.name, o.url, txn->seq()));
}

void Remove(const BackupOptions& o, const GlobalOptions& g) {
  auto pond = store::Pond::OpenWrite(g.RequireWritablePond());
  auto txn = pond->Begin(g.argv, g.vars);
  txn->RemoveBackup(o.name);
  txn->Commit();
  if (!g.quiet) PrintText(fmt::format("removed backup {} in transaction {}\n", o.name, txn->seq()));
}

void List(const GlobalOptions& g) {
  auto pond = store::Pond::OpenRead(g.RequirePond(), g.at);
  const auto backups = pond->Backups();
  if (g.json) {
    std::vector<nlohmann::ordered_json> rows;
    for (const auto& b : backups)
      rows.push_back({{"name", b.name}, {"url", b.url}, {"added", b.created_seq}});
    PrintText(JsonArrayLines(rows));
    return;
  }
  for (const auto& b : backups) PrintText(b.name + "\t" + b.url + "\n");
}

void PushOne(const store::Pond& pond, const store::BackupTarget& b, const GlobalOptions& g) {
  auto target = backup::OpenObjectStore(b.url);
  const backup::PushStats s = backup::Push(pond, *target);
  if (g.quiet) return;
  PrintText(fmt::format("pushed {}: transaction {}, {} of {} uploaded ({}), {}\n", b.name, s.seq,
                        s.uploaded, Plural(s.blobs, "blob"), Mib(s.uploaded_bytes),
                        s.snapshot_uploaded ? "snapshot written" : "snapshot already there"));
}

void Push(const BackupOptions& o, const GlobalOptions& g) {
  if (g.at) throw UsageError("push always pushes the latest transaction", "--at");
  auto pond = store::Pond::OpenRead(g.RequirePond());
  if (!o.name.empty()) return PushOne(*pond, Find(*pond, o.name), g);
  const auto backups = pond->Backups();
  if (backups.empty())
    throw Error("no backups configured; add one with 'pond backup add NAME URL'", pond->dir());
  size_t failed = 0;
  for (const auto& b : backups) {
    try {
      PushOne(*pond, b, g);
    } catch (const Error& e) {
      // One backup out of reach does not keep the others from their push.
      std::fprintf(stderr, "pond: error: backup %s: %s\n", b.name.c_str(), e.what());
      ++failed;
    }
  }
  if (failed > 0)
    throw ReportedError(fmt::format("{} of {} backups failed", failed, backups.size()),
                        pond->dir());
}

void Verify(const BackupOptions& o, const GlobalOptions& g) {
  if (g.at) throw UsageError("verify checks the backup's latest snapshot", "--at");
  auto pond = store::Pond::OpenRead(g.RequirePond());
  const store::BackupTarget b = Find(*pond, o.name);
  pond.reset();  // the backup alone is read from here on
  auto source = backup::OpenObjectStore(b.url);
  const backup::VerifyReport r = backup::Verify(*source);
  for (const auto& p : r.problems) PrintText(p + "\n");
  if (!r.problems.empty())
    throw Error(fmt::format("backup {} (transaction {}): {} of {} objects missing or corrupt",
                            b.name, r.seq, r.problems.size(), r.objects),
                b.url);
  if (!g.quiet)
    PrintText(fmt::format("verified {}: transaction {}, {} ok\n", b.name, r.seq,
                          Plural(r.objects, "object")));
}

void RegisterBackup(CLI::App& app, GlobalOptions& g) {
  static BackupOptions add, remove, push, verify;
  auto* cmd = app.add_subcommand("backup", "back the pond up to S3 or a directory");
  cmd->require_subcommand(1);

  auto* a =
      cmd->add_subcommand("add", "add a backup target (URL: s3://BUCKET/PREFIX or file:///DIR)");
  a->add_option("NAME", add.name, "name of the backup")->required();
  a->add_option("URL", add.url, "s3://BUCKET/PREFIX or file:///ABSOLUTE/DIR")->required();
  a->callback([&g] { Add(add, g); });

  cmd->add_subcommand("list", "list the backup targets")->callback([&g] { List(g); });

  auto* r = cmd->add_subcommand("remove", "remove a backup target (the backup itself stays)");
  r->add_option("NAME", remove.name, "name of the backup")->required();
  r->callback([&g] { Remove(remove, g); });

  auto* p = cmd->add_subcommand("push", "upload new blobs, then a catalog snapshot");
  p->add_option("NAME", push.name, "the backup to push (default: every one)");
  p->callback([&g] { Push(push, g); });

  auto* v = cmd->add_subcommand("verify", "check every object of the latest snapshot (sha256)");
  v->add_option("NAME", verify.name, "name of the backup")->required();
  v->callback([&g] { Verify(verify, g); });
}

}  // namespace

POND_COMMAND("backup", RegisterBackup);

}  // namespace pond::cli
