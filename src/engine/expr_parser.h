// The expression language of job specs, text -> unbound Expr (engine/expr.h): columns (bare
// or `backquoted`), numbers, 'strings', true/false/null, arithmetic, comparison, and/or/not,
// is [not] null, ||, and calls such as round(avg(salary), 4) or cast(x as int64).
// Every node records its position in the spec and its source text.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/expr.h"
#include "engine/plan.h"
#include "engine/spec_source.h"

namespace sluice::engine {

struct ExprParseOptions {
  // Accept count(*), count(x), sum, avg, mean, min and max (not nested in each other):
  // only an aggregate step's values may use them.
  bool allow_aggregates = false;
};

// Parses one whole expression. Errors are ParseErrors at pos(offset of the bad token) saying
// what was expected there.
Result<ExprPtr> ParseExpr(std::string_view text, const OffsetToPos& pos,
                          ExprParseOptions options = {});

// Parses "expr [asc|desc] [nulls first|nulls last]" (keywords case-insensitive).
Result<SortKey> ParseSortKey(std::string_view text, const OffsetToPos& pos);

// True for count, sum, avg, mean, min and max.
bool IsAggregateFunction(std::string_view name);

// Positions on one line of `file` starting at `column`: for expressions not from a spec.
OffsetToPos LinePositions(std::string file, int line = 1, int column = 1);

}  // namespace sluice::engine
