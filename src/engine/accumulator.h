// Per-group state of one aggregate function (count, sum, avg, min, max), stored as vectors
// indexed by group id so that updating a chunk is a tight loop.
#pragma once

#include <memory>
#include <vector>

#include "engine/column.h"
#include "engine/plan.h"

namespace sluice::engine {

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  // Makes room for groups [0, n).
  virtual void Resize(size_t n) = 0;
  // Adds row i of `values` to group gids[i], for every row (values is null for count(*)).
  virtual void Update(const std::vector<uint32_t>& gids, const Column* values) = 0;
  // Adds `other`'s group g into this accumulator's group target[g].
  virtual void Merge(const Accumulator& other, const std::vector<uint32_t>& target) = 0;
  // The final values of groups [0, n).
  virtual ColumnPtr Finish(size_t n) const = 0;
};

// `input` is the argument's type (ignored for count(*)); the result type follows Spark:
// count -> int64, sum of int64 -> int64, sum of double -> double, avg -> double,
// min/max -> the input type.
std::unique_ptr<Accumulator> MakeAccumulator(AggregateFn fn, TypeId input);
TypeId AggregateResultType(AggregateFn fn, TypeId input);

}  // namespace sluice::engine
