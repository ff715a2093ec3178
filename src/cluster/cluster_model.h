// The local cluster service's records (design.md §4): a cluster and its steps with EMR's
// state names, as the metadata DB keeps them. The supervisor and the API handlers change them;
// the store only persists them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::cluster {

enum class ClusterState {
  kStarting,
  kBootstrapping,
  kRunning,
  kWaiting,
  kTerminating,
  kTerminated,
  kTerminatedWithErrors,
};
std::string_view ToString(ClusterState state);  // "STARTING", ...
Result<ClusterState> ParseClusterState(std::string_view text);
bool IsTerminal(ClusterState state);  // TERMINATED or TERMINATED_WITH_ERRORS
// The states a live cluster can be in: STARTING, BOOTSTRAPPING, RUNNING, WAITING.
const std::vector<ClusterState>& ActiveClusterStates();

enum class StepState {
  kPending,
  kCancelPending,
  kRunning,
  kCompleted,
  kCancelled,
  kFailed,
  kInterrupted,
};
std::string_view ToString(StepState state);
Result<StepState> ParseStepState(std::string_view text);
bool IsTerminal(StepState state);  // COMPLETED, CANCELLED, FAILED, INTERRUPTED

// EMR's ActionOnFailure; TERMINATE_JOB_FLOW is the old name of TERMINATE_CLUSTER.
enum class ActionOnFailure { kTerminateCluster, kCancelAndWait, kContinue };
std::string_view ToString(ActionOnFailure action);
Result<ActionOnFailure> ParseActionOnFailure(std::string_view text);

// EMR's StateChangeReason: a code ("USER_REQUEST", "STEP_FAILURE", ...) and a message.
struct StateReason {
  std::string code;
  std::string message;
};

struct ClusterRecord {
  std::string id;  // "j-" and 13 characters
  std::string name;
  ClusterState state = ClusterState::kStarting;
  StateReason reason;
  TimePoint created_at;
  std::optional<TimePoint> ready_at;  // entered RUNNING or WAITING the first time
  std::optional<TimePoint> ended_at;
  nlohmann::json request;  // the RunJobFlow request as received (tags, instances, ...)
  std::string log_uri;     // "" when the request has no LogUri
  std::string work_dir;    // the supervisor's folder on this machine (step output, its log)

  // The supervisor process; start_ticks tells a recycled pid from the original.
  int supervisor_pid = 0;
  int64_t supervisor_start_ticks = 0;
  std::optional<TimePoint> heartbeat_at;
  bool terminate_requested = false;
  std::optional<TimePoint> idle_since;  // when it last became WAITING with no step to run

  // Derived from the request.
  int CoreInstanceCount() const;  // CORE instances (at least 1): the steps' engine threads
  int StepConcurrencyLevel() const;
  bool KeepAliveWhenNoSteps() const;
  std::optional<int64_t> IdleTimeoutSeconds() const;  // AutoTerminationPolicy.IdleTimeout
};

struct StepRecord {
  std::string cluster_id;
  std::string id;  // "s-" and 13 characters
  int64_t seq = 0;  // submission order within the cluster, set by the store
  std::string name;
  ActionOnFailure action_on_failure = ActionOnFailure::kContinue;
  nlohmann::json config;  // EMR HadoopJarStepConfig: Jar, Args, Properties, MainClass
  StepState state = StepState::kPending;
  StateReason reason;
  std::optional<std::string> failure_reason;  // FailureDetails.Reason / Message / LogFile
  std::optional<std::string> failure_message;
  std::optional<std::string> failure_log_file;
  TimePoint created_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> ended_at;
  int pid = 0;  // the step's process while it runs
  std::optional<int> exit_code;

  std::vector<std::string> Args() const;  // HadoopJarStep.Args
};

// The form the store keeps (one JSON document per record) and reads back.
nlohmann::json ToJson(const ClusterRecord& cluster);
Result<ClusterRecord> ClusterFromJson(const nlohmann::json& doc);
nlohmann::json ToJson(const StepRecord& step);
Result<StepRecord> StepFromJson(const nlohmann::json& doc);

// Fresh identifiers in EMR's shapes: "j-" / "s-" and 13 upper-case letters and digits.
std::string NewClusterId();
std::string NewStepId();

}  // namespace sluice::cluster
