// The local service's step operations: AddJobFlowSteps, DescribeStep, ListSteps, CancelSteps.
#include <algorithm>

#include "cluster/cluster_transitions.h"
#include "cluster/emr_shapes.h"
#include "cluster/local_emr_internal.h"
#include "cluster/local_emr_service.h"

namespace sluice::cluster {

using local::InvalidRequest;
using local::ValidationError;
using Json = nlohmann::json;

namespace local {

namespace {

std::variant<StepRecord, EmrReply> StepFromConfig(const std::string& cluster_id,
                                                  const Json& config) {
  if (!config.is_object()) return ValidationError("each step must be a StepConfig object");
  SLUICE_TAKE_OR_REPLY(name, RequiredString(config, "Name"));
  const Json& jar_step = config.value("HadoopJarStep", Json());
  if (!jar_step.is_object()) {
    return ValidationError("step '" + name + "': HadoopJarStep must not be null");
  }
  std::string jar = jar_step.value("Jar", "");
  if (jar != "command-runner.jar") {
    return ValidationError("step '" + name + "': Jar '" + jar +
                           "' cannot run on a local cluster; use command-runner.jar with the "
                           "command line in Args");
  }
  SLUICE_TAKE_OR_REPLY(args, StringList(jar_step, "Args"));
  if (args.empty()) return ValidationError("step '" + name + "': Args must name a program");
  StepRecord step;
  step.cluster_id = cluster_id;
  step.id = NewStepId();
  step.name = name;
  Result<ActionOnFailure> action = ParseActionOnFailure(config.value("ActionOnFailure",
                                                                     "CONTINUE"));
  if (!action.ok()) return ValidationError("step '" + name + "': " + action.status().message());
  step.action_on_failure = *action;
  step.config = jar_step;
  step.state = StepState::kPending;
  step.created_at = Now();
  return step;
}

}  // namespace

std::variant<std::vector<StepRecord>, EmrReply> StepsFromConfigs(const std::string& cluster_id,
                                                                 const Json& configs) {
  std::vector<StepRecord> steps;
  if (configs.is_null()) return steps;
  if (!configs.is_array()) return ValidationError("Steps must be a list of StepConfig objects");
  for (const Json& config : configs) {
    SLUICE_TAKE_OR_REPLY(step, StepFromConfig(cluster_id, config));
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace local

Result<EmrReply> LocalEmrService::AddJobFlowSteps(const Json& request) {
  SLUICE_TAKE_OR_REPLY(id, local::RequiredString(request, "JobFlowId"));
  SLUICE_TAKE_OR_REPLY(steps, local::StepsFromConfigs(id, request.value("Steps", Json())));
  if (steps.empty()) return ValidationError("Steps must hold at least one step");
  std::optional<EmrReply> refused;
  Status done = store_->WithTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, id));
    if (std::holds_alternative<EmrReply>(loaded)) {
      refused = ValidationError("A job flow with id '" + id + "' does not exist.");
      return Status::Cancelled("refused");
    }
    const ClusterRecord& c = std::get<ClusterRecord>(loaded);
    if (IsTerminal(c.state) || c.state == ClusterState::kTerminating) {
      refused = ValidationError(
          "A job flow that is shutting down, terminated, or finished may not be modified.");
      return Status::Cancelled("refused");
    }
    return store_->AddSteps(&steps);
  });
  if (refused) return *refused;
  RETURN_NOT_OK(done);
  Json ids = Json::array();
  for (const StepRecord& s : steps) ids.push_back(s.id);
  return EmrReply::Ok({{"StepIds", ids}});
}

Result<EmrReply> LocalEmrService::DescribeStep(const Json& request) {
  SLUICE_TAKE_OR_REPLY(cluster_id, local::RequiredString(request, "ClusterId"));
  SLUICE_TAKE_OR_REPLY(step_id, local::RequiredString(request, "StepId"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, cluster_id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  Result<StepRecord> step = store_->GetStep(cluster.id, step_id);
  if (!step.ok() && step.status().code() == StatusCode::kNotFound) {
    return InvalidRequest("Step id '" + step_id + "' is not valid.");
  }
  RETURN_NOT_OK(step.status());
  return EmrReply::Ok({{"Step", StepShape(*step)}});
}

Result<EmrReply> LocalEmrService::ListSteps(const Json& request) {
  SLUICE_TAKE_OR_REPLY(cluster_id, local::RequiredString(request, "ClusterId"));
  SLUICE_TAKE_OR_REPLY(state_names, local::StringList(request, "StepStates"));
  SLUICE_TAKE_OR_REPLY(step_ids, local::StringList(request, "StepIds"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, cluster_id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  ASSIGN_OR_RETURN(std::vector<StepRecord> steps, store_->ListSteps(cluster.id));
  auto wanted = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  std::vector<Json> items;
  // Newest first, as EMR lists them.
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (!wanted(state_names, std::string(ToString(it->state))) || !wanted(step_ids, it->id)) {
      continue;
    }
    items.push_back(StepSummaryShape(*it));
  }
  Json out = Json::object();
  local::Paginate(request, items, "Steps", &out);
  return EmrReply::Ok(out);
}

namespace {

Json CancelOne(ClusterStore* store, const std::string& cluster_id, const std::string& step_id,
               Status* error) {
  auto info = [&](const char* status, const std::string& reason) {
    Json out{{"StepId", step_id}, {"Status", status}};
    if (!reason.empty()) out["Reason"] = reason;
    return out;
  };
  Result<StepRecord> step = store->GetStep(cluster_id, step_id);
  if (!step.ok()) {
    if (step.status().code() != StatusCode::kNotFound) *error = step.status();
    return info("FAILED", "Step id '" + step_id + "' is not valid.");
  }
  if (step->state == StepState::kPending) {
    EndStep(&*step, StepState::kCancelled, {"", "Cancelled by user request"});
  } else if (step->state == StepState::kRunning) {
    // The supervisor stops the process and records CANCELLED.
    step->state = StepState::kCancelPending;
  } else if (step->state != StepState::kCancelPending) {
    return info("FAILED", "Step is " + std::string(ToString(step->state)) +
                              " and can no longer be cancelled.");
  }
  if (Status saved = store->SaveStep(*step); !saved.ok()) *error = saved;
  return info("SUBMITTED", "");
}

}  // namespace

Result<EmrReply> LocalEmrService::CancelSteps(const Json& request) {
  SLUICE_TAKE_OR_REPLY(cluster_id, local::RequiredString(request, "ClusterId"));
  SLUICE_TAKE_OR_REPLY(step_ids, local::StringList(request, "StepIds"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, cluster_id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  Json infos = Json::array();
  RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
    Status error;
    for (const std::string& step_id : step_ids) {
      infos.push_back(CancelOne(store_, cluster.id, step_id, &error));
      RETURN_NOT_OK(error);
    }
    return Status::OK();
  }));
  return EmrReply::Ok({{"CancelStepsInfoList", infos}});
}

}  // namespace sluice::cluster
