// State changes of clusters and steps that both the API handlers and the supervisor make,
// each inside the caller's store transaction (read, change, save).
#pragma once

#include "cluster/cluster_model.h"
#include "cluster/cluster_store.h"

namespace sluice::cluster {

// Ends a cluster: state `final_state` with `reason` and an end time; its pending steps become
// CANCELLED and its running ones `running_steps_become` (CANCELLED on a user's request,
// INTERRUPTED when the supervisor died, ...).
Status EndCluster(ClusterStore* store, ClusterRecord* cluster, ClusterState final_state,
                  StateReason reason, StepState running_steps_become);

// Moves a step to a terminal state with a reason and an end time.
void EndStep(StepRecord* step, StepState state, StateReason reason);

// Marks every live cluster whose supervisor process is gone TERMINATED_WITH_ERRORS (running
// steps INTERRUPTED). A cluster whose supervisor never registered counts as gone after
// `start_grace`. Returns how many it ended.
Result<int> ReapDeadSupervisors(ClusterStore* store,
                                Micros start_grace = std::chrono::seconds(30));

}  // namespace sluice::cluster
