#include "cluster/cluster_transitions.h"

#include "cluster/process_identity.h"

namespace sluice::cluster {

void EndStep(StepRecord* step, StepState state, StateReason reason) {
  step->state = state;
  step->reason = std::move(reason);
  step->ended_at = Now();
  step->pid = 0;
}

Status EndCluster(ClusterStore* store, ClusterRecord* cluster, ClusterState final_state,
                  StateReason reason, StepState running_steps_become) {
  ASSIGN_OR_RETURN(std::vector<StepRecord> steps, store->ListSteps(cluster->id));
  for (StepRecord& step : steps) {
    if (IsTerminal(step.state)) continue;
    bool started = step.state == StepState::kRunning || step.state == StepState::kCancelPending;
    StepState to = started ? running_steps_become : StepState::kCancelled;
    EndStep(&step, to, {"", "The cluster ended: " + reason.message});
    RETURN_NOT_OK(store->SaveStep(step));
  }
  cluster->state = final_state;
  cluster->reason = std::move(reason);
  cluster->ended_at = Now();
  cluster->idle_since.reset();
  return store->SaveCluster(*cluster);
}

namespace {

bool SupervisorGone(const ClusterRecord& c, Micros start_grace) {
  if (c.supervisor_pid == 0) return Now() - c.created_at > start_grace;
  return !IsSameProcessAlive(c.supervisor_pid, c.supervisor_start_ticks);
}

}  // namespace

Result<int> ReapDeadSupervisors(ClusterStore* store, Micros start_grace) {
  std::vector<ClusterState> live = ActiveClusterStates();
  live.push_back(ClusterState::kTerminating);
  ASSIGN_OR_RETURN(std::vector<ClusterRecord> clusters, store->ListClusters(live));
  int reaped = 0;
  for (const ClusterRecord& seen : clusters) {
    if (!SupervisorGone(seen, start_grace)) continue;
    RETURN_NOT_OK(store->WithTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(ClusterRecord c, store->GetCluster(seen.id));
      // Re-checked inside the transaction: the supervisor may have ended it meanwhile.
      if (IsTerminal(c.state) || !SupervisorGone(c, start_grace)) return Status::OK();
      ++reaped;
      std::string why = c.supervisor_pid == 0
                            ? "The cluster's supervisor process never started"
                            : "The cluster's supervisor process (pid " +
                                  std::to_string(c.supervisor_pid) + ") died";
      return EndCluster(store, &c, ClusterState::kTerminatedWithErrors, {"INTERNAL_ERROR", why},
                        StepState::kInterrupted);
    }));
  }
  return reaped;
}

}  // namespace sluice::cluster
