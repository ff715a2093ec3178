// The supervisor of one local cluster (design.md §4): a process of its own, started by
// RunJobFlow and outliving whoever asked, that walks the cluster through STARTING,
// BOOTSTRAPPING, RUNNING/WAITING and TERMINATING, runs its steps, publishes their logs under
// the LogUri, and honours ActionOnFailure, CancelSteps, TerminateJobFlows,
// KeepJobFlowAliveWhenNoSteps and the idle timeout. Its state lives in the metadata DB.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "cluster/cluster_store.h"
#include "common/status.h"
#include "common/time_util.h"

namespace sluice::cluster {

struct AgentOptions {
  std::chrono::milliseconds poll_interval{100};
  std::chrono::milliseconds heartbeat_interval{1000};
  Micros kill_grace = std::chrono::seconds(5);  // SIGTERM to SIGKILL for a stopped step
  std::map<std::string, std::string> step_env;  // e.g. SLUICE_HOME for `sluice` steps
};

// Runs the cluster until it has ended. Returns an error only when the store fails (the
// cluster is then ended by whoever notices the supervisor is gone).
Status RunClusterAgent(ClusterStore* store, const std::string& cluster_id,
                       const AgentOptions& options);

}  // namespace sluice::cluster
