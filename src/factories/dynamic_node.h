// A stored dynamic node as the View presents it. Its shape comes from the factory
// alone, so listing a directory never touches configs (a hydrovu node whose config
// reads env(HYDROVU_SECRET) lists fine without the secret). The config is expanded
// and the factory's node created on first real use, once per View.
#pragma once

#include <memory>
#include <string>

#include "factories/factory.h"

namespace pond::factories {

class DynamicNode : public Generated {
 public:
  DynamicNode(const Factory& factory, Node node) : factory_(factory), node_(std::move(node)) {}

  Shape shape() const override { return factory_.shape(); }
  std::string listed_kind() const override {
    return store::ListedKind(store::Kind::kDynamic, factory_.name());
  }
  std::vector<std::string> List(View& view) const override { return Impl(view)->List(view); }
  std::shared_ptr<const Generated> Child(View& view, const std::string& name) const override {
    return Impl(view)->Child(view, name);
  }
  std::vector<ChildShape> ListShapes(View& view) const override {
    return Impl(view)->ListShapes(view);
  }
  std::string RelationSql(View& view) const override { return Impl(view)->RelationSql(view); }
  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    return Impl(view)->RangeRelationSql(view, range);
  }
  std::optional<std::string> Identity(View& view, const TimeRange& range) const override {
    return Impl(view)->Identity(view, range);
  }
  std::optional<TimeExtent> Extent(View& view) const override { return Impl(view)->Extent(view); }
  bool CheapToReread(View& view) const override { return Impl(view)->CheapToReread(view); }
  bool ComputedByRange(View& view) const override { return Impl(view)->ComputedByRange(view); }
  std::optional<std::vector<sql::Column>> KnownColumns(View& view) const override {
    return Impl(view)->KnownColumns(view);
  }
  std::string ReadData(View& view) const override { return Impl(view)->ReadData(view); }
  void StreamData(View& view, const std::function<void(std::string_view)>& sink) const override {
    Impl(view)->StreamData(view, sink);
  }

  // The factory's node for this config (created on the first call).
  std::shared_ptr<const Generated> Impl(View& view) const {
    if (!impl_) impl_ = factory_.Create(node_.path, LoadConfig(view, node_));
    return impl_;
  }

 private:
  const Factory& factory_;
  Node node_;  // path = where it is mounted (symlinks resolved); stored = its catalog row
  mutable std::shared_ptr<const Generated> impl_;
};

// The factory's own node behind `generated` (itself unless it is a DynamicNode).
inline std::shared_ptr<const Generated> Unwrap(View& view,
                                               std::shared_ptr<const Generated> generated) {
  if (const auto* d = dynamic_cast<const DynamicNode*>(generated.get())) return d->Impl(view);
  return generated;
}

}  // namespace pond::factories
