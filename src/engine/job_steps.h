// Lowering a job spec's `steps` lists (and its inputs and outputs) to plan nodes, with the
// scope of names a step may read: inputs and the steps above it, so a plan has no cycles by
// construction. Private to the job-spec loader (engine/job_spec.cc).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/plan.h"
#include "engine/spec_reader.h"

namespace sluice::engine {

// The inputs and named steps visible at some point of a spec; a name maps to ONE node,
// shared by every reader.
class NameScope {
 public:
  // AlreadyExists-style ParseError at `pos` when the name is taken.
  Status Define(const std::string& name, const SourcePos& pos, PlanNodePtr node);
  // The node called `name`, or an error at the scalar naming what exists.
  Result<PlanNodePtr> Resolve(const Scalar& name) const;
  // Names defined further down the same list: reading one gets a clearer message.
  void AddLater(const std::string& name) { later_.insert(name); }

 private:
  struct Entry {
    PlanNodePtr node;
    SourcePos pos;
  };
  std::map<std::string, Entry> names_;
  std::vector<std::string> order_;  // for "known: ..." in messages, in definition order
  std::set<std::string> later_;
};

// Input, step and output names: [A-Za-z0-9_.-]+ (they appear in messages and summaries).
Status CheckName(const Scalar& name, std::string_view what);

// One entry of `inputs:` -> a kScan node.
Result<PlanNodePtr> LowerInput(const SpecContext& ctx, const std::string& name,
                               const SourcePos& name_pos, const YAML::Node& node);

// A `steps:` list. `owner` prefixes the names of unnamed steps ("steps[2]"); `prev` is what
// the first step reads when it has no `from` (null: it must have one). Named steps are
// defined in `scope`. Returns the last step's node.
Result<PlanNodePtr> LowerSteps(const SpecContext& ctx, NameScope* scope, const std::string& owner,
                               const YAML::Node& steps, const SourcePos& where, PlanNodePtr prev);

// The value of an `aggregate:` step -> kAggregate, plus a kProject when some value is more
// than one bare aggregate call.
Result<PlanNodePtr> LowerAggregate(const MapReader& step, PlanNodePtr input,
                                   const std::string& name);

// One item of `outputs:`, expanded once per for_each value, appended to `out`.
Status LowerOutput(const SpecContext& ctx, const NameScope& scope, const YAML::Node& item,
                   const SourcePos& where, std::vector<OutputSpec>* out);

// A new node of `kind` reading `inputs`.
PlanNodePtr NewNode(PlanNode::Kind kind, std::string name, SourcePos pos,
                    std::vector<PlanNodePtr> inputs);

// Parses a scalar as an expression, positions mapped into the spec.
Result<ExprPtr> ScalarExpr(const Scalar& s, bool allow_aggregates = false);

}  // namespace sluice::engine
