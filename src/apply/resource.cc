#include "apply/resource.h"

#include <algorithm>
#include <initializer_list>
#include <numeric>
#include <regex>
#include <set>
#include <string_view>

#include "apply/documents.h"
#include "base/env_refs.h"
#include "base/error.h"
#include "base/host_file.h"
#include "path/path.h"

namespace pond::apply {

namespace {

// One map of a document, its keys checked on construction; `prefix` names its place
// (`spec.`), so errors read `unknown key 'spec.facory' (water.yaml[3])`.
class Keys {
 public:
  Keys(const YAML::Node& map, std::string prefix, const Document& doc,
       std::initializer_list<std::string_view> known)
      : map_(map), prefix_(std::move(prefix)), doc_(doc) {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw Error("unknown key '" + prefix_ + key + "'", doc.origin);
      if (!seen.insert(key).second)
        throw Error("duplicate key '" + prefix_ + key + "'", doc.origin);
    }
  }

  // The value, undefined when absent or null.
  YAML::Node Get(std::string_view key) const {
    for (const auto& kv : map_)
      if (kv.first.IsScalar() && kv.first.Scalar() == key && !kv.second.IsNull()) return kv.second;
    return YAML::Node(YAML::NodeType::Undefined);
  }
  YAML::Node Required(std::string_view key) const {
    YAML::Node value = Get(key);
    if (!value.IsDefined()) throw Error("missing key '" + Name(key) + "'", doc_.origin);
    return value;
  }
  std::string String(std::string_view key) const {
    YAML::Node value = Required(key);
    if (!value.IsScalar()) throw Error("key '" + Name(key) + "' must be a string", doc_.origin);
    return value.Scalar();
  }
  // YAML 1.2's booleans only: `yes` and `on` are strings there, as in the original.
  bool Bool(std::string_view key, bool absent) const {
    YAML::Node value = Get(key);
    if (!value.IsDefined()) return absent;
    static const std::set<std::string> yes{"true", "True", "TRUE"}, no{"false", "False", "FALSE"};
    if (value.IsScalar() && value.Tag() == "?" && yes.contains(value.Scalar())) return true;
    if (value.IsScalar() && value.Tag() == "?" && no.contains(value.Scalar())) return false;
    throw Error("key '" + Name(key) + "' must be true or false", doc_.origin);
  }
  std::string Name(std::string_view key) const { return prefix_ + std::string(key); }

 private:
  YAML::Node map_;
  std::string prefix_;
  const Document& doc_;
};

// A map the document must have there; absent or null reads as an empty one, so that
// its first required key is what the error names (`missing key 'spec.factory'`).
YAML::Node MapAt(const Keys& parent, std::string_view key, const Document& doc) {
  YAML::Node value = parent.Get(key);
  if (!value.IsDefined()) return YAML::Node(YAML::NodeType::Map);
  if (!value.IsMap()) throw Error("key '" + parent.Name(key) + "' must be a map", doc.origin);
  return value;
}

std::string ReadPath(const Keys& top, const Document& doc) {
  const Keys metadata(MapAt(top, "metadata", doc), "metadata.", doc, {"path"});
  const std::string path = metadata.String("path");
  if (!path.starts_with('/'))
    throw Error("key 'metadata.path' must be an absolute pond path, got '" + path + "'",
                doc.origin);
  try {
    return NormalizePath(path);
  } catch (const Error& e) {
    throw Error("key 'metadata.path' is not a valid pond path: " + e.message(), doc.origin);
  }
}

void ReadMknod(const Keys& top, const Document& doc, const std::map<std::string, std::string>& vars,
               Resource& r) {
  const Keys spec(MapAt(top, "spec", doc), "spec.", doc, {"factory", "config"});
  const std::string factory = spec.String("factory");
  try {
    r.factory = &factories::GetFactory(factory);
  } catch (const Error& e) {
    throw Error(e.message() + "; see 'pond list-factories'", doc.origin);
  }
  r.config = CheckMknodConfig(*r.factory, spec.Required("config"), doc, vars);
}

void ReadCopy(const Keys& top, const Document& doc, Resource& r) {
  const Keys spec(MapAt(top, "spec", doc), "spec.", doc, {"source", "overwrite"});
  const std::string source = ExpandEnvRefs(spec.String("source"), doc.origin);
  static const std::regex host_url("^host(\\+[A-Za-z0-9+.-]*)?:///");
  if (!std::regex_search(source, host_url))
    throw Error("key 'spec.source' must be a host:///ABSOLUTE/PATH URL, got '" + source + "'",
                doc.origin);
  r.source = store::HostPathOf(source);
  r.overwrite = spec.Bool("overwrite", false);
  try {
    r.tree = store::ListHostTree(r.source);
  } catch (const Error& e) {
    throw Error(e.message() + " '" + e.where() + "'", doc.origin);
  }
}

Resource ReadResource(const Document& doc, const std::map<std::string, std::string>& vars) {
  if (!doc.root.IsMap()) throw Error("a document must be a map", doc.origin);
  const Keys top(doc.root, "", doc, {"version", "kind", "metadata", "spec"});
  const std::string version = top.String("version");
  if (version != "v1")
    throw Error("unsupported version '" + version + "', expected 'v1'", doc.origin);
  const std::string kind = top.String("kind");
  if (kind != "mkdir" && kind != "mknod" && kind != "copy")
    throw Error("unknown kind '" + kind + "', expected mkdir, mknod or copy", doc.origin);
  Resource r;
  r.origin = doc.origin;
  r.path = ReadPath(top, doc);
  if (kind == "mkdir") {
    if (top.Get("spec").IsDefined()) throw Error("kind mkdir takes no spec", doc.origin);
  } else if (kind == "mknod") {
    r.kind = Kind::kMknod;
    ReadMknod(top, doc, vars, r);
  } else {
    r.kind = Kind::kCopy;
    ReadCopy(top, doc, r);
  }
  return r;
}

}  // namespace

std::vector<Resource> ReadResources(const std::vector<std::string>& files,
                                    const std::map<std::string, std::string>& vars) {
  std::vector<Resource> out;
  std::map<std::string, std::string> claimed;  // path → origin of its first claim
  for (const auto& file : files) {
    for (const Document& doc : ReadDocuments(ReadHostFile(file, "file"), file)) {
      Resource r = ReadResource(doc, vars);
      auto [first, fresh] = claimed.emplace(r.path, r.origin);
      if (!fresh)
        throw Error("duplicate path '" + r.path + "'", r.origin + ", first in " + first->second);
      out.push_back(std::move(r));
    }
  }
  // Parents before children whatever the files' order: depth, then path. Sorted by
  // index, then moved: assigning a YAML::Node rewrites the node it shared, so sorting
  // the resources themselves would mix up their configs.
  std::vector<size_t> order(out.size());
  std::iota(order.begin(), order.end(), 0);
  const auto key = [&](size_t i) {
    return std::make_tuple(out[i].kind, SplitPath(out[i].path).size(), std::cref(out[i].path));
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  std::vector<Resource> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace pond::apply
