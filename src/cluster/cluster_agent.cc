#include "cluster/cluster_agent.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "cluster/cluster_transitions.h"
#include "cluster/emr_shapes.h"
#include "cluster/process_identity.h"
#include "cluster/step_process.h"
#include "common/logging.h"
#include "storage/object_store.h"

namespace sluice::cluster {

namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What a tick decided about the cluster's life.
struct ShutdownPlan {
  ClusterState state = ClusterState::kTerminated;
  StateReason reason;
  StepState running_steps_become = StepState::kCancelled;
};

class ClusterAgent {
 public:
  ClusterAgent(ClusterStore* store, std::string id, AgentOptions options)
      : store_(store), id_(std::move(id)), options_(std::move(options)) {}

  Status Run();

 private:
  Result<bool> Register();  // false when the cluster has already ended
  Result<std::optional<ShutdownPlan>> Bootstrap();
  // One pass over the cluster; a plan when it must shut down, `gone_` when its record vanished.
  Result<std::optional<ShutdownPlan>> Tick();
  Result<std::optional<ShutdownPlan>> TickLocked(ClusterRecord* c);

  Status SettleExited(ClusterRecord* c, std::vector<StepRecord>* steps,
                      std::optional<ShutdownPlan>* plan);
  Status StartPending(const ClusterRecord& c, std::vector<StepRecord>* steps);
  Status UpdateClusterState(ClusterRecord* c, const std::vector<StepRecord>& steps,
                            std::optional<ShutdownPlan>* plan);
  // Stops every step process, publishes their logs, then ends the cluster as planned.
  Status Shutdown(const ShutdownPlan& plan);
  void StopAllAndWait();
  void PublishLogs(const ClusterRecord& c, const StepRecord& step);
  std::string StepDir(const std::string& step_id) const;

  ClusterStore* store_;
  std::string id_;
  AgentOptions options_;
  std::string work_dir_;
  std::unordered_map<std::string, StepProcess> running_;  // by step id
  TimePoint last_heartbeat_{};
  bool gone_ = false;
};

Status ClusterAgent::Run() {
  ASSIGN_OR_RETURN(bool live, Register());
  if (!live) return Status::OK();
  ASSIGN_OR_RETURN(std::optional<ShutdownPlan> plan, Bootstrap());
  while (!plan && !gone_) {
    std::this_thread::sleep_for(options_.poll_interval);
    ASSIGN_OR_RETURN(plan, Tick());
  }
  if (gone_) {
    StopAllAndWait();
    return Status::OK();
  }
  return Shutdown(*plan);
}

std::string ClusterAgent::StepDir(const std::string& step_id) const {
  return (fs::path(work_dir_) / "steps" / step_id).string();
}

Result<bool> ClusterAgent::Register() {
  bool live = false;
  RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ClusterRecord c, store_->GetCluster(id_));
    work_dir_ = c.work_dir;
    if (IsTerminal(c.state)) return Status::OK();
    live = true;
    c.supervisor_pid = getpid();
    c.supervisor_start_ticks = ProcessStartTicks(getpid()).value_or(0);
    c.heartbeat_at = Now();
    if (!c.terminate_requested) {
      c.state = ClusterState::kBootstrapping;
      c.reason = {"", "Running bootstrap actions"};
    }
    return store_->SaveCluster(c);
  }));
  last_heartbeat_ = Now();
  Log().info("cluster={} event=supervisor_started pid={}", id_, getpid());
  return live;
}

Result<std::optional<ShutdownPlan>> ClusterAgent::Bootstrap() {
  ASSIGN_OR_RETURN(ClusterRecord c, store_->GetCluster(id_));
  const nlohmann::json actions = c.request.value("BootstrapActions", nlohmann::json::array());
  int index = 0;
  for (const nlohmann::json& action : actions) {
    if (c.terminate_requested) break;
    const nlohmann::json script = action.value("ScriptBootstrapAction", nlohmann::json::object());
    std::string path = script.value("Path", "");
    if (path.starts_with("file://")) path = path.substr(7);
    StepLaunch launch{{path}, "", "", options_.step_env, ""};
    for (const auto& arg : script.value("Args", nlohmann::json::array())) {
      launch.argv.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
    }
    std::string dir = (fs::path(work_dir_) / "bootstrap" / std::to_string(index++)).string();
    fs::create_directories(dir);
    launch.stdout_path = dir + "/stdout";
    launch.stderr_path = dir + "/stderr";
    launch.cwd = dir;
    ASSIGN_OR_RETURN(StepProcess process, StepProcess::Start(launch));
    std::optional<int> code;
    while (!(code = process.Poll())) std::this_thread::sleep_for(options_.poll_interval);
    if (*code != 0) {
      return std::optional<ShutdownPlan>(ShutdownPlan{ClusterState::kTerminatedWithErrors,
                          {"BOOTSTRAP_FAILURE", "Bootstrap action '" +
                                                    action.value("Name", path) +
                                                    "' failed with exit code " +
                                                    std::to_string(*code) + ": " +
                                                    LastLineOf(launch.stderr_path)},
                          StepState::kCancelled});
    }
  }
  return Tick();
}

Result<std::optional<ShutdownPlan>> ClusterAgent::Tick() {
  std::optional<ShutdownPlan> plan;
  RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
    Result<ClusterRecord> loaded = store_->GetCluster(id_);
    if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
      gone_ = true;  // the record is gone (the database was reset): nothing to run for
      return Status::OK();
    }
    ASSIGN_OR_RETURN(ClusterRecord c, std::move(loaded));
    ASSIGN_OR_RETURN(plan, TickLocked(&c));
    return Status::OK();
  }));
  return plan;
}

Result<std::optional<ShutdownPlan>> ClusterAgent::TickLocked(ClusterRecord* c) {
  std::optional<ShutdownPlan> plan;
  if (IsTerminal(c->state)) {
    // Ended by someone else (a reaper that thought us dead): stop, record nothing more.
    gone_ = true;
    return plan;
  }
  if (c->terminate_requested) {
    return std::optional<ShutdownPlan>(
        ShutdownPlan{ClusterState::kTerminated, c->reason, StepState::kCancelled});
  }
  const nlohmann::json before = ToJson(*c);
  if (Now() - last_heartbeat_ >= options_.heartbeat_interval) {
    c->heartbeat_at = last_heartbeat_ = Now();
  }
  ASSIGN_OR_RETURN(std::vector<StepRecord> steps, store_->ListSteps(id_));
  RETURN_NOT_OK(SettleExited(c, &steps, &plan));
  if (!plan) RETURN_NOT_OK(StartPending(*c, &steps));
  if (!plan) RETURN_NOT_OK(UpdateClusterState(c, steps, &plan));
  // Most ticks change nothing: writing only changes keeps an idle cluster to one write a
  // second (its heartbeat).
  if (ToJson(*c) != before) RETURN_NOT_OK(store_->SaveCluster(*c));
  return plan;
}

Status ClusterAgent::SettleExited(ClusterRecord* c, std::vector<StepRecord>* steps,
                                  std::optional<ShutdownPlan>* plan) {
  for (StepRecord& step : *steps) {
    auto it = running_.find(step.id);
    if (step.state == StepState::kCancelPending && it == running_.end()) {
      EndStep(&step, StepState::kCancelled, {"", "Cancelled by user request"});
      RETURN_NOT_OK(store_->SaveStep(step));
      continue;
    }
    if (it == running_.end()) continue;
    if (step.state == StepState::kCancelPending) it->second.Stop(options_.kill_grace);
    std::optional<int> code = it->second.Poll();
    if (!code) continue;
    running_.erase(it);
    step.exit_code = *code;
    PublishLogs(*c, step);
    if (step.state == StepState::kCancelPending) {
      EndStep(&step, StepState::kCancelled, {"", "Cancelled by user request"});
    } else if (*code == 0) {
      EndStep(&step, StepState::kCompleted, {});
    } else {
      std::string log = StepLogFolder(*c, step.id);
      step.failure_reason = "Step failed with exit code " + std::to_string(*code) + ".";
      step.failure_message = LastLineOf(StepDir(step.id) + "/stderr");
      step.failure_log_file = log.empty() ? StepDir(step.id) + "/stderr" : log + "stderr";
      EndStep(&step, StepState::kFailed, {});
      if (step.action_on_failure == ActionOnFailure::kTerminateCluster) {
        *plan = ShutdownPlan{ClusterState::kTerminatedWithErrors,
                             {"STEP_FAILURE", "Shut down as step failed"},
                             StepState::kCancelled};
      } else if (step.action_on_failure == ActionOnFailure::kCancelAndWait) {
        for (StepRecord& other : *steps) {
          if (other.state != StepState::kPending) continue;
          EndStep(&other, StepState::kCancelled,
                  {"", "Cancelled because step " + step.id + " failed (CANCEL_AND_WAIT)"});
          RETURN_NOT_OK(store_->SaveStep(other));
        }
      }
    }
    RETURN_NOT_OK(store_->SaveStep(step));
  }
  return Status::OK();
}

Status ClusterAgent::StartPending(const ClusterRecord& c, std::vector<StepRecord>* steps) {
  int free = c.StepConcurrencyLevel() - static_cast<int>(running_.size());
  for (StepRecord& step : *steps) {
    if (free <= 0) break;
    if (step.state != StepState::kPending) continue;
    std::string dir = StepDir(step.id);
    fs::create_directories(dir);
    // Like an EMR node's home folder: a step's relative paths land in its own folder.
    StepLaunch launch{step.Args(), dir + "/stdout", dir + "/stderr", options_.step_env, dir};
    // The cluster's size reaches the step: its CORE instances are the engine's threads.
    launch.env["SLUICE_THREADS"] = std::to_string(c.CoreInstanceCount());
    launch.env["SLUICE_CLUSTER_ID"] = c.id;
    launch.env["SLUICE_STEP_ID"] = step.id;
    Result<StepProcess> process = StepProcess::Start(launch);
    step.started_at = Now();
    if (!process.ok()) {
      step.failure_reason = process.status().message();
      EndStep(&step, StepState::kFailed, {});
    } else {
      step.state = StepState::kRunning;
      step.pid = process->pid();
      running_.emplace(step.id, std::move(*process));
      --free;
    }
    RETURN_NOT_OK(store_->SaveStep(step));
  }
  return Status::OK();
}

Status ClusterAgent::UpdateClusterState(ClusterRecord* c, const std::vector<StepRecord>& steps,
                                        std::optional<ShutdownPlan>* plan) {
  bool pending = false;
  for (const StepRecord& s : steps) pending |= s.state == StepState::kPending;
  if (!running_.empty() || pending) {
    c->state = ClusterState::kRunning;
    c->reason = {"", "Running step"};
    c->idle_since.reset();
  } else {
    if (c->state != ClusterState::kWaiting || !c->idle_since) c->idle_since = Now();
    c->state = ClusterState::kWaiting;
    c->reason = {"", "Cluster ready to run steps."};
  }
  if (!c->ready_at) c->ready_at = Now();
  if (c->state != ClusterState::kWaiting) return Status::OK();
  if (!c->KeepAliveWhenNoSteps()) {
    *plan = ShutdownPlan{ClusterState::kTerminated, {"ALL_STEPS_COMPLETED", "Steps completed"},
                         StepState::kCancelled};
  } else if (auto idle = c->IdleTimeoutSeconds();
             idle && Now() - *c->idle_since >= std::chrono::seconds(*idle)) {
    *plan = ShutdownPlan{ClusterState::kTerminated,
                         {"ALL_STEPS_COMPLETED",
                          "Auto-terminated after " + std::to_string(*idle) +
                              " s idle (AutoTerminationPolicy.IdleTimeout)"},
                         StepState::kCancelled};
  }
  return Status::OK();
}

Status ClusterAgent::Shutdown(const ShutdownPlan& plan) {
  RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ClusterRecord c, store_->GetCluster(id_));
    if (IsTerminal(c.state)) return Status::OK();
    c.state = ClusterState::kTerminating;
    c.reason = plan.reason;
    return store_->SaveCluster(c);
  }));
  StopAllAndWait();
  return store_->WithTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ClusterRecord c, store_->GetCluster(id_));
    if (IsTerminal(c.state)) return Status::OK();
    ASSIGN_OR_RETURN(std::vector<StepRecord> steps, store_->ListSteps(id_));
    for (const StepRecord& step : steps) {
      if (step.state == StepState::kRunning || step.state == StepState::kCancelPending) {
        PublishLogs(c, step);
      }
    }
    RETURN_NOT_OK(EndCluster(store_, &c, plan.state, plan.reason, plan.running_steps_become));
    Log().info("cluster={} event=ended state={} reason=\"{}\"", id_, ToString(plan.state),
               plan.reason.message);
    return Status::OK();
  });
}

void ClusterAgent::StopAllAndWait() {
  while (!running_.empty()) {
    for (auto it = running_.begin(); it != running_.end();) {
      it->second.Stop(options_.kill_grace);
      it = it->second.Poll() ? running_.erase(it) : std::next(it);
    }
    if (!running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ClusterAgent::PublishLogs(const ClusterRecord& c, const StepRecord& step) {
  std::string folder = StepLogFolder(c, step.id);
  if (folder.empty()) return;
  for (const char* name : {"stdout", "stderr"}) {
    std::string uri = storage::JoinUri(folder, name);
    Result<storage::Location> location = storage::ResolveUri(uri);
    Status st = location.ok() ? location->store->Put(location->key,
                                                     ReadFile(StepDir(step.id) + "/" + name))
                              : location.status();
    if (!st.ok()) Log().warn("cluster={} event=publish_log_failed uri={} error={}", id_, uri, st.message());
  }
}

}  // namespace

Status RunClusterAgent(ClusterStore* store, const std::string& cluster_id,
                       const AgentOptions& options) {
  ClusterAgent agent(store, cluster_id, options);
  return agent.Run();
}

}  // namespace sluice::cluster
