// Binding: name resolution and typing of scalar expressions (Spark's implicit casts).

#include "engine/bound_expr.h"

namespace sluice::engine {

namespace {

bool IsNumeric(TypeId t) { return t == TypeId::kInt64 || t == TypeId::kDouble; }

Status TypeError(const Expr& e, const std::string& what) {
  return Status::InvalidArgument(e.pos.ToString() + ": " + what +
                                 (e.text.empty() ? "" : " in '" + e.text + "'"));
}

// A NULL literal adopts whatever type its context wants.
bool IsNullLiteral(const BoundExprPtr& e) {
  return e->kind == BoundExpr::Kind::kLiteral && std::holds_alternative<std::monostate>(e->literal);
}

BoundExprPtr Retyped(const BoundExprPtr& e, TypeId type) {
  if (IsNullLiteral(e)) {
    auto copy = std::make_shared<BoundExpr>(*e);
    copy->type = type;
    return copy;
  }
  return CastBound(e, type);
}

// Numeric operands: strings become doubles (Spark), ints widen to double when mixed.
Status PromoteNumeric(const Expr& e, std::vector<BoundExprPtr>* args, TypeId* out) {
  bool any_double = false;
  for (auto& a : *args) {
    if (a->type == TypeId::kBool && !IsNullLiteral(a)) {
      return TypeError(e, "expected numbers, found a bool");
    }
    if (a->type == TypeId::kString && !IsNullLiteral(a)) a = CastBound(a, TypeId::kDouble);
    any_double |= a->type == TypeId::kDouble;
  }
  *out = any_double ? TypeId::kDouble : TypeId::kInt64;
  for (auto& a : *args) a = Retyped(a, *out);
  return Status::OK();
}

// Comparison operands: same type, or numbers compared as numbers (a string against a
// number is read as a number, as in Spark).
Status UnifyForCompare(const Expr& e, std::vector<BoundExprPtr>* args) {
  BoundExprPtr& a = (*args)[0];
  BoundExprPtr& b = (*args)[1];
  if (IsNullLiteral(a)) a = Retyped(a, b->type);
  if (IsNullLiteral(b)) b = Retyped(b, a->type);
  if (a->type == b->type) return Status::OK();
  if ((IsNumeric(a->type) || a->type == TypeId::kString) &&
      (IsNumeric(b->type) || b->type == TypeId::kString)) {
    TypeId t;
    return PromoteNumeric(e, args, &t);
  }
  return TypeError(e, "cannot compare " + std::string(TypeName(a->type)) + " with " +
                          std::string(TypeName(b->type)));
}

// The common type of coalesce/if branches.
Status UnifyBranches(const Expr& e, std::vector<BoundExprPtr>::iterator begin,
                     std::vector<BoundExprPtr>::iterator end, TypeId* out) {
  bool have = false, any_double = false, all_numeric = true;
  TypeId first = TypeId::kString;
  bool mixed = false;
  for (auto it = begin; it != end; ++it) {
    if (IsNullLiteral(*it)) continue;
    if (!have) first = (*it)->type, have = true;
    mixed |= (*it)->type != first;
    any_double |= (*it)->type == TypeId::kDouble;
    all_numeric &= IsNumeric((*it)->type);
  }
  if (!have) {
    *out = TypeId::kString;
  } else if (!mixed) {
    *out = first;
  } else if (all_numeric) {
    *out = any_double ? TypeId::kDouble : TypeId::kInt64;
  } else {
    *out = TypeId::kString;
  }
  for (auto it = begin; it != end; ++it) *it = Retyped(*it, *out);
  return Status::OK();
}

Status RequireBool(const Expr& e, std::vector<BoundExprPtr>* args) {
  for (auto& a : *args) {
    if (IsNullLiteral(a)) a = Retyped(a, TypeId::kBool);
    if (a->type != TypeId::kBool) {
      return TypeError(e, "expected a bool operand, found " + std::string(TypeName(a->type)));
    }
  }
  return Status::OK();
}

Status TypeCall(const Expr& e, BoundExpr* out) {
  auto& args = out->args;
  switch (out->fn) {
    case ScalarFn::kAdd:
    case ScalarFn::kSub:
    case ScalarFn::kMul:
    case ScalarFn::kMod:
    case ScalarFn::kNeg:
    case ScalarFn::kAbs:
      return PromoteNumeric(e, &args, &out->type);
    case ScalarFn::kDiv:  // Spark: division is always fractional
      RETURN_NOT_OK(PromoteNumeric(e, &args, &out->type));
      for (auto& a : args) a = Retyped(a, TypeId::kDouble);
      out->type = TypeId::kDouble;
      return Status::OK();
    case ScalarFn::kRound: {
      std::vector<BoundExprPtr> value{args[0]};
      RETURN_NOT_OK(PromoteNumeric(e, &value, &out->type));
      args[0] = value[0];
      if (args.size() == 2 &&
          (args[1]->kind != BoundExpr::Kind::kLiteral || args[1]->type != TypeId::kInt64)) {
        return TypeError(e, "round's second argument must be an integer literal");
      }
      return Status::OK();
    }
    case ScalarFn::kEq:
    case ScalarFn::kNe:
    case ScalarFn::kLt:
    case ScalarFn::kLe:
    case ScalarFn::kGt:
    case ScalarFn::kGe:
      out->type = TypeId::kBool;
      return UnifyForCompare(e, &args);
    case ScalarFn::kAnd:
    case ScalarFn::kOr:
    case ScalarFn::kNot:
      out->type = TypeId::kBool;
      return RequireBool(e, &args);
    case ScalarFn::kIsNull:
    case ScalarFn::kIsNotNull:
      out->type = TypeId::kBool;
      return Status::OK();
    case ScalarFn::kCoalesce:
      return UnifyBranches(e, args.begin(), args.end(), &out->type);
    case ScalarFn::kIf: {
      std::vector<BoundExprPtr> cond{args[0]};
      RETURN_NOT_OK(RequireBool(e, &cond));
      args[0] = cond[0];
      return UnifyBranches(e, args.begin() + 1, args.end(), &out->type);
    }
    case ScalarFn::kConcat:
    case ScalarFn::kLower:
    case ScalarFn::kUpper:
    case ScalarFn::kTrim:
      for (auto& a : args) a = Retyped(a, TypeId::kString);
      out->type = TypeId::kString;
      return Status::OK();
    case ScalarFn::kLength:
      args[0] = Retyped(args[0], TypeId::kString);
      out->type = TypeId::kInt64;
      return Status::OK();
    case ScalarFn::kSubstr:
      args[0] = Retyped(args[0], TypeId::kString);
      for (size_t i = 1; i < args.size(); ++i) args[i] = Retyped(args[i], TypeId::kInt64);
      out->type = TypeId::kString;
      return Status::OK();
    case ScalarFn::kCast:
      return Status::OK();  // type set by the caller
  }
  return Status::Internal("unhandled function");
}

std::string ColumnList(const Schema& schema) {
  std::string names;
  for (const auto& f : schema.fields) names += (names.empty() ? "" : ", ") + f.name;
  return names;
}

}  // namespace

BoundExprPtr CastBound(BoundExprPtr e, TypeId type) {
  if (e->type == type) return e;
  auto c = std::make_shared<BoundExpr>();
  c->kind = BoundExpr::Kind::kCall;
  c->fn = ScalarFn::kCast;
  c->type = type;
  c->args.push_back(std::move(e));
  return c;
}

Result<BoundExprPtr> BindExpr(const Expr& expr, const Schema& schema) {
  auto out = std::make_shared<BoundExpr>();
  switch (expr.kind) {
    case Expr::Kind::kColumn: {
      int idx = schema.IndexOf(expr.name);
      if (idx < 0) {
        return Status::InvalidArgument(expr.pos.ToString() + ": unknown column '" + expr.name +
                                       "' (columns here: " + ColumnList(schema) + ")");
      }
      out->kind = BoundExpr::Kind::kColumn;
      out->column = idx;
      out->type = schema.fields[idx].type;
      return BoundExprPtr(out);
    }
    case Expr::Kind::kLiteral:
      out->kind = BoundExpr::Kind::kLiteral;
      out->literal = expr.literal;
      out->type = std::visit(
          [](const auto& v) -> TypeId {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) return TypeId::kBool;
            if constexpr (std::is_same_v<T, int64_t>) return TypeId::kInt64;
            if constexpr (std::is_same_v<T, double>) return TypeId::kDouble;
            return TypeId::kString;
          },
          expr.literal);
      return BoundExprPtr(out);
    case Expr::Kind::kCall: {
      const FunctionSpec* info = FindFunction(expr.name);
      if (info == nullptr || !info->fn) {  // aggregates are bound by the aggregate step
        return Status::InvalidArgument(expr.pos.ToString() + ": unknown function '" + expr.name +
                                       "'");
      }
      int n = static_cast<int>(expr.args.size());
      if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
        return TypeError(expr, "wrong number of arguments to " + expr.name);
      }
      out->kind = BoundExpr::Kind::kCall;
      out->fn = *info->fn;
      for (const auto& a : expr.args) {
        ASSIGN_OR_RETURN(auto bound, BindExpr(*a, schema));
        out->args.push_back(std::move(bound));
      }
      RETURN_NOT_OK(TypeCall(expr, out.get()));
      if (info->fn == ScalarFn::kCast) {
        out->type = expr.cast_to;
        if (out->args[0]->type == out->type) return out->args[0];
      }
      return BoundExprPtr(out);
    }
  }
  return Status::Internal("unhandled expression kind");
}

}  // namespace sluice::engine
