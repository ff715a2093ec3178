// EmrClient: retries with backoff, Marker paging, and the operations' request and answer shapes.
#include "cluster/emr_client.h"

#include <algorithm>
#include <set>

#include "cluster/emr_client_internal.h"
#include "common/logging.h"

namespace sluice::cluster {
namespace {

using nlohmann::json;

Status MalformedAnswer(std::string_view operation, const EmrClientOptions& options,
                       std::string_view what) {
  return Status::IoError("EMR " + std::string(operation) + " at " + options.endpoint +
                         " failed: the answer has no " + std::string(what));
}

json StringArray(const std::vector<std::string>& values) {
  json array = json::array();
  for (const std::string& value : values) array.push_back(value);
  return array;
}

}  // namespace

EmrClient::EmrClient(std::shared_ptr<EmrApi> api, EmrClientOptions options)
    : api_(std::move(api)), options_(std::move(options)) {
  options_.backoff.max_attempts = std::max(1, options_.backoff.max_attempts);
  if (options_.endpoint.empty()) options_.endpoint = "(unnamed endpoint)";
}

Result<json> EmrClient::CallWithRetries(std::string_view operation, const json& request,
                                        RetryOn retry_on) {
  for (int attempt = 1;; ++attempt) {
    Result<EmrReply> reply = api_->Call(operation, request);
    if (reply.ok() && reply->ok()) return std::move(reply->body);
    internal::Transient transient = internal::Classify(reply);
    bool retry =
        transient == internal::Transient::kThrottled ||
        (transient == internal::Transient::kUncertain && retry_on == RetryOn::kAnyTransientFailure);
    Status failure = internal::FailureStatus(operation, options_, reply, attempt);
    if (!retry || attempt >= options_.backoff.max_attempts) return failure;
    Log().info("{}; retrying (attempt {} of {})", failure.message(), attempt + 1,
               options_.backoff.max_attempts);
    storage::SleepBeforeRetry(options_.backoff, attempt - 1);
  }
}

Result<json> EmrClient::Call(std::string_view operation, const json& request) {
  return CallWithRetries(operation, request, RetryOn::kAnyTransientFailure);
}

Result<std::vector<json>> EmrClient::ListAll(std::string_view operation, json request,
                                             std::string_view list_key) {
  std::vector<json> items;
  std::set<std::string> markers;
  while (true) {
    ASSIGN_OR_RETURN(json page, Call(operation, request));
    auto list = page.find(list_key);
    if (list != page.end() && list->is_array())
      items.insert(items.end(), list->begin(), list->end());
    auto marker = page.find("Marker");
    if (marker == page.end() || !marker->is_string() || marker->get<std::string>().empty()) {
      return items;
    }
    // A service that hands out the same marker twice would otherwise page forever.
    if (!markers.insert(marker->get<std::string>()).second) {
      return MalformedAnswer(operation, options_, "new Marker (the same one came twice)");
    }
    request["Marker"] = *marker;
  }
}

Result<json> EmrClient::DescribeCluster(std::string_view cluster_id) {
  ASSIGN_OR_RETURN(json answer, Call("DescribeCluster", {{"ClusterId", cluster_id}}));
  if (!answer.contains("Cluster")) return MalformedAnswer("DescribeCluster", options_, "Cluster");
  return std::move(answer["Cluster"]);
}

Result<std::vector<json>> EmrClient::ListClusters(const std::vector<std::string>& states) {
  json request = json::object();
  if (!states.empty()) request["ClusterStates"] = StringArray(states);
  return ListAll("ListClusters", std::move(request), "Clusters");
}

Status EmrClient::TerminateJobFlows(const std::vector<std::string>& cluster_ids) {
  return Call("TerminateJobFlows", {{"JobFlowIds", StringArray(cluster_ids)}}).status();
}

Result<std::vector<std::string>> EmrClient::AddJobFlowSteps(std::string_view cluster_id,
                                                            const json& steps) {
  if (!steps.is_array()) {
    return Status::InvalidArgument("EMR AddJobFlowSteps: Steps must be a JSON array of steps");
  }
  json request = {{"JobFlowId", cluster_id}, {"Steps", steps}};
  ASSIGN_OR_RETURN(json answer, CallWithRetries("AddJobFlowSteps", request, RetryOn::kThrottling));
  auto ids = answer.find("StepIds");
  if (ids == answer.end() || !ids->is_array()) {
    return MalformedAnswer("AddJobFlowSteps", options_, "StepIds");
  }
  std::vector<std::string> step_ids;
  for (const json& id : *ids) {
    if (id.is_string()) step_ids.push_back(id.get<std::string>());
  }
  return step_ids;
}

Result<json> EmrClient::DescribeStep(std::string_view cluster_id, std::string_view step_id) {
  ASSIGN_OR_RETURN(json answer,
                   Call("DescribeStep", {{"ClusterId", cluster_id}, {"StepId", step_id}}));
  if (!answer.contains("Step")) return MalformedAnswer("DescribeStep", options_, "Step");
  return std::move(answer["Step"]);
}

Result<std::vector<json>> EmrClient::ListSteps(std::string_view cluster_id,
                                               const std::vector<std::string>& states) {
  json request = {{"ClusterId", cluster_id}};
  if (!states.empty()) request["StepStates"] = StringArray(states);
  return ListAll("ListSteps", std::move(request), "Steps");
}

Result<json> EmrClient::CancelSteps(std::string_view cluster_id,
                                    const std::vector<std::string>& step_ids) {
  ASSIGN_OR_RETURN(json answer, Call("CancelSteps", {{"ClusterId", cluster_id},
                                                     {"StepIds", StringArray(step_ids)}}));
  return answer.value("CancelStepsInfoList", json::array());
}

}  // namespace sluice::cluster
