#include "engine/job_steps.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "engine/expr_parser.h"

namespace sluice::engine {

namespace {

constexpr std::array<std::string_view, 8> kOperations = {"filter",    "select", "derive", "join",
                                                         "aggregate", "sort",   "limit",  "union"};

std::string OperationList() {
  std::string out;
  for (std::string_view op : kOperations) out += (out.empty() ? "" : ", ") + std::string(op);
  return out;
}

// What lowering one step's operation works from.
struct Step {
  const SpecContext* ctx;
  const NameScope* scope;
  const MapReader* map;  // the whole step
  std::string op;
  std::string name;   // of the node(s) it becomes
  SourcePos pos;      // of the operation's key
  PlanNodePtr input;  // null for union
};

Result<PlanNodePtr> Filter(const Step& s) {
  ASSIGN_OR_RETURN(Scalar text, s.map->String("filter"));
  ASSIGN_OR_RETURN(ExprPtr predicate, ScalarExpr(text));
  PlanNodePtr node = NewNode(PlanNode::Kind::kFilter, s.name, s.pos, {s.input});
  node->predicate = std::move(predicate);
  return node;
}

Status AddNamed(std::vector<NamedExpr>* exprs, std::string name, ExprPtr expr, const SourcePos& pos,
                std::string_view op) {
  for (const NamedExpr& e : *exprs) {
    if (e.name == name) {
      return ErrorAt(pos, std::string(op) + ": column '" + name + "' is given twice");
    }
  }
  exprs->push_back(NamedExpr{std::move(name), std::move(expr)});
  return Status::OK();
}

// The entries of a {name: "expr", ...} map, in order.
Status ReadNamedExprs(const Step& s, const YAML::Node& node, std::vector<NamedExpr>* out) {
  ASSIGN_OR_RETURN(MapReader map, MapReader::Make(*s.ctx, node, s.pos, s.op));
  for (const MapReader::Entry& entry : map.entries()) {
    ASSIGN_OR_RETURN(Scalar name, map.KeyScalar(entry));
    ASSIGN_OR_RETURN(Scalar text, ReadScalar(*s.ctx, entry.value, name.pos, name.text));
    ASSIGN_OR_RETURN(ExprPtr expr, ScalarExpr(text));
    RETURN_NOT_OK(AddNamed(out, name.text, std::move(expr), name.pos, s.op));
  }
  if (out->empty()) return ErrorAt(s.pos, s.op + ": expected at least one column");
  return Status::OK();
}

Result<PlanNodePtr> Select(const Step& s) {
  YAML::Node value = s.map->Value("select");
  std::vector<NamedExpr> exprs;
  if (value.IsSequence()) {
    for (const YAML::Node& item : value) {
      ASSIGN_OR_RETURN(Scalar text, ReadScalar(*s.ctx, item, s.pos, "select"));
      ASSIGN_OR_RETURN(ExprPtr expr, ScalarExpr(text));
      std::string name = expr->kind == Expr::Kind::kColumn ? expr->name : expr->text;
      RETURN_NOT_OK(AddNamed(&exprs, std::move(name), expr, text.pos, "select"));
    }
    if (exprs.empty()) return ErrorAt(s.pos, "select: expected at least one column");
  } else if (value.IsMap()) {
    RETURN_NOT_OK(ReadNamedExprs(s, value, &exprs));
  } else {
    return s.map->ErrorAt("select",
                          "select: expected a list of columns or a map of "
                          "name: expression, found " +
                              std::string(DescribeNode(value)));
  }
  PlanNodePtr node = NewNode(PlanNode::Kind::kProject, s.name, s.pos, {s.input});
  node->exprs = std::move(exprs);
  return node;
}

// A value may read a column defined above it in the same derive: that starts a new project
// on top of the previous one, as a chain of withColumn calls would.
Result<PlanNodePtr> Derive(const Step& s) {
  std::vector<NamedExpr> all;
  RETURN_NOT_OK(ReadNamedExprs(s, s.map->Value("derive"), &all));
  PlanNodePtr current = s.input;
  PlanNodePtr project;
  for (NamedExpr& e : all) {
    std::vector<std::string> reads;
    CollectColumns(*e.expr, &reads);
    bool reads_sibling = project && std::any_of(reads.begin(), reads.end(), [&](const auto& c) {
                           return std::any_of(project->exprs.begin(), project->exprs.end(),
                                              [&](const NamedExpr& d) { return d.name == c; });
                         });
    if (!project || reads_sibling) {
      project = NewNode(PlanNode::Kind::kProject, s.name, s.pos, {current});
      project->keep_input_columns = true;
      current = project;
    }
    project->exprs.push_back(std::move(e));
  }
  return current;
}

// `on`: a column, a list of columns (same names on both sides), or {left: right, ...}.
Status JoinKeys(const Step& s, const MapReader& join, PlanNode* node) {
  YAML::Node on = join.Value("on");
  if (on.IsMap()) {
    ASSIGN_OR_RETURN(MapReader pairs, MapReader::Make(*s.ctx, on, join.KeyPos("on"), "on"));
    for (const MapReader::Entry& entry : pairs.entries()) {
      ASSIGN_OR_RETURN(Scalar left, pairs.KeyScalar(entry));
      ASSIGN_OR_RETURN(Scalar right, ReadScalar(*s.ctx, entry.value, left.pos, left.text));
      node->left_keys.push_back(left.text);
      node->right_keys.push_back(right.text);
    }
  } else if (on.IsSequence()) {
    for (const YAML::Node& item : on) {
      ASSIGN_OR_RETURN(Scalar key, ReadScalar(*s.ctx, item, join.KeyPos("on"), "on"));
      node->left_keys.push_back(key.text);
      node->right_keys.push_back(key.text);
    }
  } else {
    ASSIGN_OR_RETURN(Scalar key, join.String("on"));
    node->left_keys.push_back(key.text);
    node->right_keys.push_back(key.text);
  }
  if (node->left_keys.empty()) {
    return join.ErrorAt("on", "on: expected at least one key column");
  }
  return Status::OK();
}

Result<PlanNodePtr> Join(const Step& s) {
  ASSIGN_OR_RETURN(MapReader join, MapReader::Make(*s.ctx, s.map->Value("join"), s.pos, "join"));
  RETURN_NOT_OK(join.CheckKeys({"with", "on", "how"}, {"with", "on"}));
  ASSIGN_OR_RETURN(Scalar with, join.String("with"));
  ASSIGN_OR_RETURN(PlanNodePtr right, s.scope->Resolve(with));
  PlanNodePtr node = NewNode(PlanNode::Kind::kJoin, s.name, s.pos, {s.input, right});
  RETURN_NOT_OK(JoinKeys(s, join, node.get()));
  ASSIGN_OR_RETURN(std::optional<Scalar> how, join.OptionalString("how"));
  if (how) {
    Result<JoinType> type = ParseJoinType(how->text);
    if (!type.ok()) return ErrorAt(how->pos, "how: " + type.status().message());
    node->join_type = *type;
  }
  return node;
}

Result<PlanNodePtr> Sort(const Step& s) {
  YAML::Node value = s.map->Value("sort");
  std::vector<YAML::Node> items;
  if (value.IsSequence()) {
    for (const YAML::Node& item : value) items.push_back(item);
  } else {
    items.push_back(value);
  }
  PlanNodePtr node = NewNode(PlanNode::Kind::kSort, s.name, s.pos, {s.input});
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Scalar text, ReadScalar(*s.ctx, item, s.pos, "sort"));
    ASSIGN_OR_RETURN(SortKey key, ParseSortKey(text.text, text.positions));
    node->sort_keys.push_back(std::move(key));
  }
  if (node->sort_keys.empty()) return ErrorAt(s.pos, "sort: expected at least one key");
  return node;
}

Result<PlanNodePtr> Limit(const Step& s) {
  ASSIGN_OR_RETURN(Scalar text, s.map->String("limit"));
  int64_t n = -1;
  const char* first = text.text.data();
  const char* last = first + text.text.size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (text.text.empty() || !std::isdigit(static_cast<unsigned char>(text.text[0])) ||
      ec != std::errc() || ptr != last) {
    return ErrorAt(text.pos, "limit: expected a non-negative integer, found '" + text.text + "'");
  }
  PlanNodePtr node = NewNode(PlanNode::Kind::kLimit, s.name, s.pos, {s.input});
  node->limit = n;
  return node;
}

Result<PlanNodePtr> Union(const Step& s) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   ReadList(*s.ctx, s.map->Value("union"), s.pos, "union"));
  PlanNodePtr node = NewNode(PlanNode::Kind::kUnion, s.name, s.pos, {});
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Scalar name, ReadScalar(*s.ctx, item, s.pos, "union"));
    ASSIGN_OR_RETURN(PlanNodePtr input, s.scope->Resolve(name));
    node->inputs.push_back(std::move(input));
  }
  if (node->inputs.size() < 2) {
    return s.map->ErrorAt("union", "union: expected a list of at least two inputs or steps");
  }
  return node;
}

Result<PlanNodePtr> Dispatch(const Step& s) {
  if (s.op == "filter") return Filter(s);
  if (s.op == "select") return Select(s);
  if (s.op == "derive") return Derive(s);
  if (s.op == "join") return Join(s);
  if (s.op == "aggregate") return LowerAggregate(*s.map, s.input, s.name);
  if (s.op == "sort") return Sort(s);
  if (s.op == "limit") return Limit(s);
  return Union(s);
}

// The one operation key of a step.
Result<const MapReader::Entry*> FindOperation(const MapReader& step) {
  const MapReader::Entry* found = nullptr;
  for (const MapReader::Entry& e : step.entries()) {
    if (std::find(kOperations.begin(), kOperations.end(), e.key) == kOperations.end()) continue;
    if (found != nullptr) {
      return step.context().Error(e.key_node, "a step has one operation, found '" + found->key +
                                                  "' and '" + e.key +
                                                  "' (write them as two steps)");
    }
    found = &e;
  }
  if (found == nullptr) {
    return ErrorAt(step.pos(), "step has no operation (expected one of " + OperationList() + ")");
  }
  return found;
}

Result<PlanNodePtr> StepInput(const MapReader& step, const std::string& op, const NameScope& scope,
                              PlanNodePtr prev) {
  if (op == "union") {
    if (step.Has("from")) {
      return ErrorAt(step.KeyPos("from"),
                     "from: a union reads the inputs and steps listed in it; remove 'from'");
    }
    return PlanNodePtr();
  }
  if (step.Has("from")) {
    ASSIGN_OR_RETURN(Scalar from, step.String("from"));
    return scope.Resolve(from);
  }
  if (prev) return prev;
  return ErrorAt(step.pos(), "the first step needs 'from' (an input or a step above it)");
}

Result<PlanNodePtr> LowerStep(const SpecContext& ctx, NameScope* scope, const std::string& name,
                              const YAML::Node& item, const SourcePos& where, PlanNodePtr prev) {
  ASSIGN_OR_RETURN(MapReader step, MapReader::Make(ctx, item, where, "step"));
  RETURN_NOT_OK(step.CheckKeys({"name", "from", "filter", "select", "derive", "join", "aggregate",
                                "sort", "limit", "union"}));
  ASSIGN_OR_RETURN(const MapReader::Entry* op, FindOperation(step));
  ASSIGN_OR_RETURN(std::optional<Scalar> step_name, step.OptionalString("name"));
  if (step_name) RETURN_NOT_OK(CheckName(*step_name, "step name"));
  ASSIGN_OR_RETURN(PlanNodePtr input, StepInput(step, op->key, *scope, prev));
  Step s{&ctx,
         scope,
         &step,
         op->key,
         step_name ? step_name->text : name,
         ctx.PosOf(op->key_node),
         std::move(input)};
  ASSIGN_OR_RETURN(PlanNodePtr node, Dispatch(s));
  if (step_name) RETURN_NOT_OK(scope->Define(step_name->text, step_name->pos, node));
  return node;
}

// Names given further down the list, so that reading one early says so.
void DeclareLaterNames(const SpecContext& ctx, const std::vector<YAML::Node>& items,
                       NameScope* scope) {
  for (const YAML::Node& item : items) {
    if (!item.IsMap()) continue;
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "name") continue;
      Result<Scalar> name = ReadScalar(ctx, it->second, {}, "name");
      if (name.ok()) scope->AddLater(name->text);
    }
  }
}

}  // namespace

Result<PlanNodePtr> LowerSteps(const SpecContext& ctx, NameScope* scope, const std::string& owner,
                               const YAML::Node& steps, const SourcePos& where, PlanNodePtr prev) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items, ReadList(ctx, steps, where, "steps"));
  if (items.empty()) return ErrorAt(where, "steps: expected at least one step");
  DeclareLaterNames(ctx, items, scope);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string name = owner + "[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(prev, LowerStep(ctx, scope, name, items[i], where, std::move(prev)));
  }
  return prev;
}

}  // namespace sluice::engine
