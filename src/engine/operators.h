// The operators of the engine, one factory each. Streaming operators (filter, project,
// union, join probe) work chunk by chunk on the pushing thread; the others collect their
// input and emit when it is done (aggregate, sort, limit, join build, collect).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/bound_expr.h"
#include "engine/operator.h"
#include "engine/plan.h"

namespace sluice::engine {

struct BoundSortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

struct BoundAggregate {
  AggregateFn fn = AggregateFn::kCountStar;
  BoundExprPtr arg;      // null for count(*)
  TypeId result_type = TypeId::kInt64;
};

// Counts a join reports for the run summary.
struct JoinStats {
  int64_t rows_out = 0;
  int64_t probe_rows = 0;
  int64_t probe_unmatched = 0;  // left rows whose key found no match
  int64_t build_rows = 0;
  int64_t build_unmatched = 0;  // right rows no left row matched
};

std::unique_ptr<Operator> MakeFilter(std::string name, BoundExprPtr predicate);
// Output columns are the values of `exprs`, in order.
std::unique_ptr<Operator> MakeProject(std::string name, std::vector<BoundExprPtr> exprs);
// Union all; chunk sequences are re-numbered so input 0's rows come first.
std::unique_ptr<Operator> MakeUnion(std::string name, int inputs);
// The first `limit` rows in source order.
std::unique_ptr<Operator> MakeLimit(std::string name, int64_t limit);
std::unique_ptr<Operator> MakeSort(std::string name, std::vector<BoundSortKey> keys);

// A join: input 0 is the left (probe) side, input 1 the right (build) side.
class JoinOperator : public Operator {
 public:
  using Operator::Operator;
  // Valid once both inputs are done.
  virtual JoinStats stats() const = 0;
};

// Output = left columns (all) then right columns except the keys (semi/anti: left only).
std::unique_ptr<JoinOperator> MakeHashJoin(std::string name, JoinType type,
                                         std::vector<int> left_keys, std::vector<int> right_keys,
                                         std::vector<int> right_payload,
                                         std::vector<TypeId> payload_types);

// Output = group columns then one column per aggregate.
std::unique_ptr<Operator> MakeHashAggregate(std::string name, std::vector<int> group_by,
                                            std::vector<TypeId> key_types,
                                            std::vector<BoundAggregate> aggregates);

// Collects everything pushed into a Table, in source order (by chunk sequence).
class CollectSink : public Operator {
 public:
  CollectSink(std::string name, Schema schema);
  Status Push(int input, Chunk chunk) override;
  // The collected rows; valid once the input is done.
  Table TakeTable();

 private:
  Status OnAllInputsDone() override;
  std::mutex mu_;
  Table table_;
};

}  // namespace sluice::engine
