// RunJobFlow without an idempotency token: the request carries a client-token tag, and after a
// failure that may hide a success the client looks for the tagged cluster before sending again.
#include "cluster/emr_client.h"
#include "cluster/emr_client_internal.h"
#include "common/logging.h"

namespace sluice::cluster {
namespace {

using nlohmann::json;

const std::vector<std::string> kActiveStates = {"STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"};

// `request` with Tags holding {kClientTokenTag: token}, replacing any earlier value.
json WithClientTokenTag(json request, std::string_view token) {
  json tags = json::array();
  if (request.contains("Tags") && request["Tags"].is_array()) {
    for (const json& tag : request["Tags"]) {
      if (!tag.is_object() || tag.value("Key", "") != kClientTokenTag) tags.push_back(tag);
    }
  }
  tags.push_back({{"Key", kClientTokenTag}, {"Value", token}});
  request["Tags"] = std::move(tags);
  return request;
}

bool HasClientToken(const json& cluster, std::string_view token) {
  if (!cluster.contains("Tags") || !cluster["Tags"].is_array()) return false;
  for (const json& tag : cluster["Tags"]) {
    if (tag.is_object() && tag.value("Key", "") == kClientTokenTag &&
        tag.value("Value", "") == token) {
      return true;
    }
  }
  return false;
}

Result<std::string> JobFlowIdOf(const EmrReply& reply, const EmrClientOptions& options) {
  auto id = reply.body.find("JobFlowId");
  if (id == reply.body.end() || !id->is_string()) {
    return Status::IoError("EMR RunJobFlow at " + options.endpoint +
                           " failed: the answer has no JobFlowId");
  }
  return id->get<std::string>();
}

Status SearchFailed(const Status& failure, const Status& search) {
  return Status(failure.code(), failure.message() +
                                    "; and could not check whether the cluster was created "
                                    "anyway: " +
                                    search.message());
}

}  // namespace

Result<std::optional<std::string>> EmrClient::FindClusterByToken(std::string_view name,
                                                                 std::string_view client_token) {
  ASSIGN_OR_RETURN(std::vector<json> clusters, ListClusters(kActiveStates));
  for (const json& summary : clusters) {
    if (summary.value("Name", "") != name || !summary.contains("Id")) continue;
    std::string id = summary["Id"].get<std::string>();
    ASSIGN_OR_RETURN(json cluster, DescribeCluster(id));
    if (HasClientToken(cluster, client_token)) return std::optional<std::string>(id);
  }
  return std::optional<std::string>();
}

Result<std::string> EmrClient::RunJobFlow(const json& request, std::string_view client_token) {
  if (!request.is_object() || !request.contains("Name") || !request["Name"].is_string()) {
    return Status::InvalidArgument("EMR RunJobFlow: the request needs a Name");
  }
  if (client_token.empty()) return Status::InvalidArgument("EMR RunJobFlow: empty client token");
  std::string name = request["Name"].get<std::string>();
  json tagged = WithClientTokenTag(request, client_token);
  for (int attempt = 1;; ++attempt) {
    Result<EmrReply> reply = api_->Call("RunJobFlow", tagged);
    if (reply.ok() && reply->ok()) return JobFlowIdOf(*reply, options_);
    Status failure = internal::FailureStatus("RunJobFlow", options_, reply, attempt);
    internal::Transient transient = internal::Classify(reply);
    bool last = attempt >= options_.backoff.max_attempts;
    bool throttled = transient == internal::Transient::kThrottled;
    if (transient == internal::Transient::kNo || (last && throttled)) return failure;
    Log().info("{}; {}", failure.message(),
               last ? "checking whether the cluster was created anyway" : "trying again");
    storage::SleepBeforeRetry(options_.backoff, attempt - 1);
    // A throttled call was refused before any work; any other failure may hide a success.
    if (throttled) continue;
    Result<std::optional<std::string>> found = FindClusterByToken(name, client_token);
    if (!found.ok()) return SearchFailed(failure, found.status());
    if (found->has_value()) return **found;
    if (last) return failure;
  }
}

}  // namespace sluice::cluster
