// Lowering `aggregate: {group_by, values}`. A value is an aggregate call such as avg(salary),
// or a scalar expression over aggregate calls and group_by columns such as
// round(avg(salary), 4). Each distinct call becomes one hidden aggregate column ("__agg0");
// a project on top computes the values from them. Bare calls need no project.
#include <algorithm>

#include "engine/expr_parser.h"
#include "engine/job_steps.h"

namespace sluice::engine {

namespace {

bool SameExpr(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.name != b.name || a.literal != b.literal ||
      a.args.size() != b.args.size()) {
    return false;
  }
  if (a.kind == Expr::Kind::kCall && a.name == "cast" && a.cast_to != b.cast_to) return false;
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!SameExpr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

bool IsAggregateCall(const Expr& e) {
  return e.kind == Expr::Kind::kCall && IsAggregateFunction(e.name);
}

class AggregateRewriter {
 public:
  explicit AggregateRewriter(const std::vector<std::string>& group_by) : group_by_(group_by) {}

  // `e` with each aggregate call replaced by a reference to its hidden column.
  Result<ExprPtr> Rewrite(const ExprPtr& e) {
    if (IsAggregateCall(*e)) return Reference(*e);
    if (e->kind == Expr::Kind::kColumn) {
      if (std::find(group_by_.begin(), group_by_.end(), e->name) != group_by_.end()) return e;
      return ErrorAt(e->pos, "column '" + e->name +
                                 "' is neither in group_by nor inside an aggregate function "
                                 "(count, sum, avg, min, max)");
    }
    if (e->kind != Expr::Kind::kCall) return e;
    auto copy = std::make_shared<Expr>(*e);
    for (ExprPtr& arg : copy->args) {
      ASSIGN_OR_RETURN(arg, Rewrite(arg));
    }
    return ExprPtr(copy);
  }

  // Adds the aggregate `call` under `name`.
  Result<AggregateSpec> Spec(const Expr& call, std::string name) const {
    ASSIGN_OR_RETURN(AggregateFn fn, ParseAggregateFn(call.name));
    AggregateSpec spec;
    spec.name = std::move(name);
    spec.fn = fn;
    if (call.args.empty()) {
      spec.fn = AggregateFn::kCountStar;
    } else {
      spec.arg = call.args[0];
    }
    return spec;
  }

  std::vector<AggregateSpec> TakeAggregates() { return std::move(aggregates_); }

 private:
  Result<ExprPtr> Reference(const Expr& call) {
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (SameExpr(*calls_[i], call)) return Ref(aggregates_[i].name, call);
    }
    ASSIGN_OR_RETURN(AggregateSpec spec, Spec(call, "__agg" + std::to_string(aggregates_.size())));
    calls_.push_back(&call);
    aggregates_.push_back(std::move(spec));
    return Ref(aggregates_.back().name, call);
  }

  // Keeps the call's text and position so binder messages still quote what was written.
  static ExprPtr Ref(const std::string& column, const Expr& call) {
    auto ref = std::make_shared<Expr>(*ColumnRef(column, call.pos));
    ref->text = call.text;
    return ref;
  }

  const std::vector<std::string>& group_by_;
  std::vector<const Expr*> calls_;
  std::vector<AggregateSpec> aggregates_;
};

Result<std::vector<Scalar>> GroupBy(const MapReader& agg) {
  std::vector<Scalar> keys;
  if (!agg.Has("group_by")) return keys;
  YAML::Node value = agg.Value("group_by");
  std::vector<YAML::Node> items;
  if (value.IsSequence()) {
    for (const YAML::Node& item : value) items.push_back(item);
  } else {
    items.push_back(value);
  }
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Scalar key,
                     ReadScalar(agg.context(), item, agg.ValuePos("group_by"), "group_by"));
    for (const Scalar& k : keys) {
      if (k.text == key.text) {
        return ErrorAt(key.pos, "group_by: column '" + key.text + "' is given twice");
      }
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

struct AggValue {
  Scalar name;
  ExprPtr expr;
};

Result<std::vector<AggValue>> Values(const MapReader& agg, const std::vector<Scalar>& group_by) {
  ASSIGN_OR_RETURN(MapReader map, MapReader::Make(agg.context(), agg.Value("values"),
                                                  agg.KeyPos("values"), "values"));
  std::vector<AggValue> values;
  for (const MapReader::Entry& entry : map.entries()) {
    ASSIGN_OR_RETURN(Scalar name, map.KeyScalar(entry));
    for (const Scalar& k : group_by) {
      if (k.text == name.text) {
        return ErrorAt(name.pos, "values: '" + name.text + "' is already a group_by column");
      }
    }
    for (const AggValue& v : values) {
      if (v.name.text == name.text) {
        return ErrorAt(name.pos, "values: '" + name.text + "' is given twice");
      }
    }
    ASSIGN_OR_RETURN(Scalar text, ReadScalar(agg.context(), entry.value, name.pos, name.text));
    ASSIGN_OR_RETURN(ExprPtr expr, ScalarExpr(text, /*allow_aggregates=*/true));
    values.push_back(AggValue{std::move(name), std::move(expr)});
  }
  if (values.empty()) return map.ErrorAt("values", "values: expected at least one value");
  return values;
}

}  // namespace

Result<PlanNodePtr> LowerAggregate(const MapReader& step, PlanNodePtr input,
                                   const std::string& name) {
  const SourcePos pos = step.KeyPos("aggregate");
  ASSIGN_OR_RETURN(MapReader agg,
                   MapReader::Make(step.context(), step.Value("aggregate"), pos, "aggregate"));
  RETURN_NOT_OK(agg.CheckKeys({"group_by", "values"}, {"values"}));
  ASSIGN_OR_RETURN(std::vector<Scalar> group_by, GroupBy(agg));
  ASSIGN_OR_RETURN(std::vector<AggValue> values, Values(agg, group_by));

  PlanNodePtr node = NewNode(PlanNode::Kind::kAggregate, name, pos, {std::move(input)});
  for (const Scalar& k : group_by) node->group_by.push_back(k.text);
  AggregateRewriter rewriter(node->group_by);

  const bool all_bare = std::all_of(values.begin(), values.end(),
                                    [](const AggValue& v) { return IsAggregateCall(*v.expr); });
  if (all_bare) {
    for (const AggValue& v : values) {
      ASSIGN_OR_RETURN(AggregateSpec spec, rewriter.Spec(*v.expr, v.name.text));
      node->aggregates.push_back(std::move(spec));
    }
    return node;
  }
  std::vector<NamedExpr> outputs;
  for (const Scalar& k : group_by) outputs.push_back(NamedExpr{k.text, ColumnRef(k.text, k.pos)});
  for (const AggValue& v : values) {
    ASSIGN_OR_RETURN(ExprPtr expr, rewriter.Rewrite(v.expr));
    outputs.push_back(NamedExpr{v.name.text, std::move(expr)});
  }
  node->aggregates = rewriter.TakeAggregates();
  PlanNodePtr project = NewNode(PlanNode::Kind::kProject, name, pos, {node});
  project->exprs = std::move(outputs);
  return project;
}

}  // namespace sluice::engine
