// The local service's dispatch and its cluster operations; step operations are in
// local_emr_steps.cc.
#include "cluster/local_emr_service.h"

#include <filesystem>

#include "cluster/cluster_transitions.h"
#include "cluster/emr_shapes.h"
#include "cluster/local_emr_internal.h"

namespace sluice::cluster {

using local::InvalidRequest;
using local::ValidationError;
using Json = nlohmann::json;

LocalEmrService::LocalEmrService(ClusterStore* store, LocalServiceOptions options)
    : store_(store), options_(std::move(options)) {}

Result<EmrReply> LocalEmrService::Call(std::string_view operation, const Json& request) {
  using Handler = Result<EmrReply> (LocalEmrService::*)(const Json&);
  static const std::pair<std::string_view, Handler> kHandlers[] = {
      {"RunJobFlow", &LocalEmrService::RunJobFlow},
      {"DescribeCluster", &LocalEmrService::DescribeCluster},
      {"ListClusters", &LocalEmrService::ListClusters},
      {"TerminateJobFlows", &LocalEmrService::TerminateJobFlows},
      {"ListInstanceGroups", &LocalEmrService::ListInstanceGroups},
      {"ListBootstrapActions", &LocalEmrService::ListBootstrapActions},
      {"AddJobFlowSteps", &LocalEmrService::AddJobFlowSteps},
      {"DescribeStep", &LocalEmrService::DescribeStep},
      {"ListSteps", &LocalEmrService::ListSteps},
      {"CancelSteps", &LocalEmrService::CancelSteps},
  };
  if (!request.is_object()) return ValidationError("the request body must be a JSON object");
  for (const auto& [name, handler] : kHandlers) {
    if (name != operation) continue;
    // Every answer reflects supervisors that died since the last call.
    Result<int> reaped = ReapDeadSupervisors(store_);
    Result<EmrReply> reply = reaped.ok() ? (this->*handler)(request) : reaped.status();
    if (!reply.ok()) return EmrReply::Error(500, "InternalServerError", reply.status().message());
    return reply;
  }
  return EmrReply::Error(400, "UnknownOperationException",
                         "The local cluster service does not support " + std::string(operation));
}

namespace {

Result<EmrReply> CheckRunJobFlow(const Json& request) {
  for (const char* key : {"Name", "Instances"}) {
    if (!request.contains(key)) {
      return ValidationError(std::string("1 validation error detected: Value null at '") + key +
                             "' failed to satisfy constraint: Member must not be null");
    }
  }
  if (!request["Name"].is_string()) return ValidationError("Name must be a string");
  if (!request["Instances"].is_object()) return ValidationError("Instances must be an object");
  if (request.contains("LogUri") && !request["LogUri"].is_string()) {
    return ValidationError("LogUri must be a string");
  }
  return EmrReply::Ok(Json::object());
}

}  // namespace

Result<EmrReply> LocalEmrService::RunJobFlow(const Json& request) {
  ASSIGN_OR_RETURN(EmrReply check, CheckRunJobFlow(request));
  if (!check.ok()) return check;
  ClusterRecord c;
  c.id = NewClusterId();
  c.name = request["Name"].get<std::string>();
  c.state = ClusterState::kStarting;
  c.reason = {"", "Provisioning the cluster on this machine"};
  c.created_at = Now();
  c.request = request;
  c.log_uri = request.value("LogUri", "");
  c.work_dir = (std::filesystem::path(options_.clusters_dir) / c.id).string();
  SLUICE_TAKE_OR_REPLY(steps, local::StepsFromConfigs(c.id, request.value("Steps", Json())));
  std::error_code ec;
  std::filesystem::create_directories(c.work_dir, ec);
  if (ec) return Status::IoError("creating " + c.work_dir + ": " + ec.message());
  RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
    RETURN_NOT_OK(store_->CreateCluster(c));
    return steps.empty() ? Status::OK() : store_->AddSteps(&steps);
  }));
  Status started = options_.start_supervisor ? options_.start_supervisor(c)
                                             : Status::Internal("no supervisor launcher");
  if (!started.ok()) {
    RETURN_NOT_OK(store_->WithTransaction([&]() -> Status {
      return EndCluster(store_, &c, ClusterState::kTerminatedWithErrors,
                        {"INTERNAL_ERROR", "Could not start the supervisor: " + started.message()},
                        StepState::kCancelled);
    }));
    return started;
  }
  return EmrReply::Ok({{"JobFlowId", c.id}, {"ClusterArn", ClusterArn(c.id)}});
}

Result<EmrReply> LocalEmrService::DescribeCluster(const Json& request) {
  SLUICE_TAKE_OR_REPLY(id, local::RequiredString(request, "ClusterId"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  return EmrReply::Ok({{"Cluster", DescribeClusterShape(cluster)}});
}

Result<EmrReply> LocalEmrService::ListClusters(const Json& request) {
  SLUICE_TAKE_OR_REPLY(names, local::StringList(request, "ClusterStates"));
  std::vector<ClusterState> states;
  for (const std::string& name : names) {
    Result<ClusterState> state = ParseClusterState(name);
    if (!state.ok()) return ValidationError(state.status().message());
    states.push_back(*state);
  }
  ASSIGN_OR_RETURN(std::vector<ClusterRecord> clusters, store_->ListClusters(states));
  auto seconds = [&](const char* key) -> std::optional<double> {
    if (!request.contains(key) || !request[key].is_number()) return std::nullopt;
    return request[key].get<double>();
  };
  std::optional<double> after = seconds("CreatedAfter"), before = seconds("CreatedBefore");
  std::vector<Json> items;
  for (const ClusterRecord& c : clusters) {
    double created = static_cast<double>(c.created_at.time_since_epoch().count()) / 1e6;
    if ((after && created < *after) || (before && created > *before)) continue;
    items.push_back(ClusterSummaryShape(c));
  }
  Json out = Json::object();
  local::Paginate(request, items, "Clusters", &out);
  return EmrReply::Ok(out);
}

Result<EmrReply> LocalEmrService::TerminateJobFlows(const Json& request) {
  SLUICE_TAKE_OR_REPLY(ids, local::StringList(request, "JobFlowIds"));
  if (ids.empty()) return ValidationError("JobFlowIds must name at least one cluster");
  std::optional<EmrReply> error;
  Status done = store_->WithTransaction([&]() -> Status {
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, id));
      if (std::holds_alternative<EmrReply>(loaded)) {
        error = ValidationError("Specified job flow ID not valid: " + id);
        return Status::Cancelled("unknown cluster");
      }
      ClusterRecord& c = std::get<ClusterRecord>(loaded);
      if (IsTerminal(c.state) || c.terminate_requested) continue;
      c.terminate_requested = true;
      c.state = ClusterState::kTerminating;
      c.reason = {"USER_REQUEST", "Terminated by user request"};
      RETURN_NOT_OK(store_->SaveCluster(c));
    }
    return Status::OK();
  });
  if (error) return *error;
  RETURN_NOT_OK(done);
  return EmrReply::Ok(Json::object());
}

Result<EmrReply> LocalEmrService::ListInstanceGroups(const Json& request) {
  SLUICE_TAKE_OR_REPLY(id, local::RequiredString(request, "ClusterId"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  return EmrReply::Ok({{"InstanceGroups", InstanceGroupsShape(cluster)}});
}

Result<EmrReply> LocalEmrService::ListBootstrapActions(const Json& request) {
  SLUICE_TAKE_OR_REPLY(id, local::RequiredString(request, "ClusterId"));
  ASSIGN_OR_RETURN(auto loaded, local::LoadCluster(store_, id));
  SLUICE_TAKE_OR_REPLY(cluster, std::move(loaded));
  return EmrReply::Ok({{"BootstrapActions", BootstrapActionsShape(cluster)}});
}

}  // namespace sluice::cluster
