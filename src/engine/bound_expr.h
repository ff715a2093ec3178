// Expressions after binding: columns resolved to indexes, every node typed, functions
// resolved to a kernel id. Evaluating one over a chunk yields a column.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/column.h"
#include "engine/expr.h"
#include "engine/function_catalog.h"
#include "engine/types.h"

namespace sluice::engine {

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

struct BoundExpr {
  enum class Kind { kColumn, kLiteral, kCall };
  Kind kind = Kind::kLiteral;
  TypeId type = TypeId::kString;
  int column = -1;             // kColumn
  Value literal;               // kLiteral (monostate = NULL)
  ScalarFn fn = ScalarFn::kAdd;  // kCall
  std::vector<BoundExprPtr> args;
};

// Resolves and types `expr` against `schema`. Errors name the spec position and, for an
// unknown column, the columns that exist. Strings used as numbers are cast to double
// (as Spark does); a string that is not a number becomes NULL.
Result<BoundExprPtr> BindExpr(const Expr& expr, const Schema& schema);

// Wraps `e` in a cast to `type` unless it already has that type.
BoundExprPtr CastBound(BoundExprPtr e, TypeId type);

// Evaluates `e` over the rows of `chunk`; the result has chunk.num_rows rows.
Result<ColumnPtr> Evaluate(const BoundExpr& e, const Chunk& chunk);

}  // namespace sluice::engine
