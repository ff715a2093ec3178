// When a task may run, given the states of its direct upstream tasks: Airflow's trigger
// rules (design.md §3; the rule names live with the DAG model in dag.h), including the
// teardown rule (a teardown runs once its upstreams are done if its setup succeeded).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_models.h"

namespace sluice::orchestrator {

// What the scheduler does with a task that has not started yet.
enum class TriggerDecision {
  kWait,            // not decidable yet: some upstream is still to finish
  kRun,             // schedule it
  kSkip,            // mark it skipped
  kUpstreamFailed,  // mark it upstream_failed
};

// Tallies of the direct upstream tasks' states.
struct UpstreamStates {
  int total = 0;
  int success = 0;
  int failed = 0;           // failed
  int upstream_failed = 0;  // upstream_failed
  int skipped = 0;
  int removed = 0;          // removed upstreams count as nothing (as in Airflow)
  int done() const { return success + failed + upstream_failed + skipped + removed; }

  static UpstreamStates Of(const std::vector<TaskState>& states);
};

// `setup_state` matters only for kAllDoneSetupSuccess (teardowns): such a task runs when
// every upstream is done and its setup succeeded, and is skipped when the setup ended any
// other way.
TriggerDecision EvaluateTriggerRule(TriggerRule rule, const UpstreamStates& up,
                                    TaskState setup_state = TaskState::kSuccess);

}  // namespace sluice::orchestrator
