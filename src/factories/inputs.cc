#include "factories/inputs.h"

#include <set>

#include "base/error.h"
#include "factories/config.h"
#include "factories/dynamic_node.h"
#include "factories/sql.h"
#include "path/path.h"
#include "store/blob_store.h"

namespace pond::factories {

namespace {

std::vector<GlobMatch> MatchedInputs(View& view, const InputUrl& url) {
  std::vector<GlobMatch> files = view.MatchedFiles(url.glob);
  if (files.empty()) throw Error("pattern matched nothing", url.text);
  return files;
}

}  // namespace

std::string MatchedRelation(View& view, const InputUrl& url) {
  std::vector<std::string> relations;
  for (const GlobMatch& m : MatchedInputs(view, url))
    relations.push_back(view.RelationSql(InputNode(view, url, m.path)));
  return sql::UnionAllByName(relations);
}

std::string MatchedRelation(View& view, const InputUrl& url, const TimeRange& range) {
  std::vector<std::string> relations;
  for (const GlobMatch& m : MatchedInputs(view, url))
    relations.push_back(view.RelationSql(InputNode(view, url, m.path), range));
  return sql::UnionAllByName(relations);
}

std::optional<std::string> Digest(const std::vector<std::optional<std::string>>& parts) {
  std::string text;
  for (const auto& p : parts) {
    if (!p) return std::nullopt;
    text += std::to_string(p->size()) + ":" + *p + "\n";
  }
  return store::Sha256Hex(text);
}

void AddTransformIdentities(View& view, const std::vector<std::string>& transforms,
                            std::vector<std::optional<std::string>>& parts) {
  for (const auto& t : transforms) {
    parts.push_back(t);
    parts.push_back(view.Identity(view.Get(t), TimeRange{}));
  }
}

std::map<std::string, std::vector<GlobMatch>> GroupedMatches(View& view,
                                                             const std::string& in_pattern,
                                                             const std::string& out_pattern,
                                                             bool files_only) {
  std::vector<GlobMatch> matches = files_only ? view.GlobFiles(in_pattern) : view.Glob(in_pattern);
  if (matches.empty()) throw Error("pattern matched nothing", in_pattern);
  std::map<std::string, std::vector<GlobMatch>> named;
  for (auto& m : matches) named[ExpandOutPattern(out_pattern, m.captures, m.path)].push_back(m);
  return named;
}

std::string FullOuterJoinOnTime(const std::vector<TimedRelation>& parts, const std::string& where) {
  std::set<std::string> names{"timestamp"};
  for (const auto& part : parts)
    for (const auto& c : part.columns)
      if (!names.insert(c).second) throw Error("duplicate output column '" + c + "'", where);

  const auto alias = [](size_t i) { return "j" + std::to_string(i); };
  const auto time_of = [&](size_t i) {
    return sql::Ident(alias(i)) + "." + sql::Ident("timestamp");
  };
  sql::Select select;
  // The joined time so far: a row missing from the first parts still has a time.
  std::string joined_time = time_of(0);
  for (size_t i = 1; i < parts.size(); ++i) {
    select.FullOuterJoin(parts[i].relation, alias(i), time_of(i) + " = " + joined_time);
    joined_time = "COALESCE(" + joined_time + ", " + time_of(i) + ")";
  }
  select.Column(joined_time, "timestamp");
  for (size_t i = 0; i < parts.size(); ++i)
    for (const auto& c : parts[i].columns)
      select.Column(sql::Ident(alias(i)) + "." + sql::Ident(c));
  select.From(parts[0].relation, alias(0));
  // Position, not name: "timestamp" is also a column of every joined part.
  select.OrderBy("1");
  return select.Relation();
}

std::shared_ptr<const Transform> GetTransform(View& view, const std::string& path) {
  Node node = view.Get(path);
  if (node.shape == Shape::kTransform && node.generated) {
    auto t = std::dynamic_pointer_cast<const Transform>(Unwrap(view, node.generated));
    if (t) return t;
  }
  throw Error("not a transform", path);
}

std::string ApplyTransforms(View& view, std::string relation,
                            const std::vector<std::string>& transforms,
                            const std::string& time_column, const std::string& input) {
  for (const auto& t : transforms)
    relation = GetTransform(view, t)->Apply(view, relation, time_column, input);
  return relation;
}

namespace {

Error NameClash(const std::string& name, const std::vector<GlobMatch>& matches,
                const std::string& where) {
  return Error(
      "out_pattern gives '" + name + "' for both " + matches[0].path + " and " + matches[1].path,
      where);
}

}  // namespace

std::map<std::string, std::vector<GlobMatch>> MatchedDir::Matches(View& view) const {
  auto named = GroupedMatches(view, in_pattern_, out_pattern_, files_only_);
  if (!merges_)
    for (const auto& [name, matches] : named)
      if (matches.size() > 1) throw NameClash(name, matches, path_);
  return named;
}

void MatchedDir::CheckMatches(View& view) const {
  View::Guard guard(view, path_);
  std::map<std::string, std::vector<GlobMatch>> named;
  try {
    named = GroupedMatches(view, in_pattern_, out_pattern_, files_only_);
  } catch (const Error&) {
    return;  // no inputs yet, or one that fails on its own: the read's to report
  }
  for (const auto& [name, matches] : named) {
    if (matches.size() < 2) continue;
    if (!merges_) throw NameClash(name, matches, path_);
    CheckMerge(view, name, matches);
  }
}

std::vector<std::string> MatchedDir::List(View& view) const {
  View::Guard guard(view, path_);
  std::vector<std::string> names;
  for (const auto& [name, matches] : Matches(view)) names.push_back(name);
  return names;
}

std::shared_ptr<const Generated> MatchedDir::Child(View& view, const std::string& name) const {
  View::Guard guard(view, path_);
  const auto matches = Matches(view);
  auto it = matches.find(name);
  if (it == matches.end()) return nullptr;
  return MakeChild(JoinPath(path_, name), it->second);
}

}  // namespace pond::factories
