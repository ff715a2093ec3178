// Turns a JobPlan into running operators: orders the plan's nodes, derives each node's
// schema, prunes the columns nobody reads from the scans, binds expressions and wires
// every node to its consumers. Private to the engine (used by the executor).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/operators.h"
#include "engine/plan.h"

namespace sluice::engine {

struct PlannedNode {
  const PlanNode* node = nullptr;
  Schema schema;
  std::unique_ptr<Operator> op;
  JoinOperator* join = nullptr;           // joins: `op` seen as a join
  std::unique_ptr<CsvScanner> scanner;    // scans
  std::vector<std::pair<int, int>> consumers;  // (node index, input index) in `nodes`
  Operator* Op() const { return op.get(); }
};

struct PlannedOutput {
  const OutputSpec* spec = nullptr;
  std::unique_ptr<CollectSink> sink;
};

struct PhysicalPlan {
  std::vector<PlannedNode> nodes;     // producers before consumers
  std::vector<PlannedOutput> outputs;
  std::vector<int> scan_order;        // indexes of scans, build sides before probe sides
};

Result<PhysicalPlan> PlanJob(const JobPlan& plan);

}  // namespace sluice::engine
