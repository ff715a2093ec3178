#include <algorithm>
#include <cctype>

#include "engine/expr_parser.h"
#include "engine/job_steps.h"

namespace sluice::engine {

Status NameScope::Define(const std::string& name, const SourcePos& pos, PlanNodePtr node) {
  auto it = names_.find(name);
  if (it != names_.end()) {
    return ErrorAt(pos, "duplicate name '" + name + "': an input or step is already called so" +
                            " (at " + it->second.pos.ToString() + ")");
  }
  names_.emplace(name, Entry{std::move(node), pos});
  order_.push_back(name);
  later_.erase(name);
  return Status::OK();
}

Result<PlanNodePtr> NameScope::Resolve(const Scalar& name) const {
  auto it = names_.find(name.text);
  if (it != names_.end()) return it->second.node;
  if (later_.count(name.text) > 0) {
    return ErrorAt(name.pos, "'" + name.text +
                                 "' is defined further down: a step can only read inputs and "
                                 "steps above it");
  }
  std::string known;
  for (const auto& n : order_) known += (known.empty() ? "" : ", ") + n;
  return ErrorAt(name.pos, "unknown input or step '" + name.text +
                               "' (known here: " + (known.empty() ? "none" : known) + ")");
}

Status CheckName(const Scalar& name, std::string_view what) {
  bool ok = !name.text.empty() && std::all_of(name.text.begin(), name.text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (ok) return Status::OK();
  return ErrorAt(name.pos, std::string(what) + " '" + name.text +
                               "' is not a valid name (use letters, digits, '_', '-' and '.')");
}

PlanNodePtr NewNode(PlanNode::Kind kind, std::string name, SourcePos pos,
                    std::vector<PlanNodePtr> inputs) {
  auto node = std::make_shared<PlanNode>();
  node->kind = kind;
  node->name = std::move(name);
  node->pos = std::move(pos);
  node->inputs = std::move(inputs);
  return node;
}

Result<ExprPtr> ScalarExpr(const Scalar& s, bool allow_aggregates) {
  ExprParseOptions options;
  options.allow_aggregates = allow_aggregates;
  return ParseExpr(s.text, s.positions, options);
}

}  // namespace sluice::engine
