// The typed EMR client every caller uses (cluster operators, CLI, tests) over any EmrApi:
// every page of the List calls, retries with jittered backoff on throttling, 5xx answers and
// dropped connections, a RunJobFlow that is safe to retry although EMR has no idempotency
// token, and errors a user can act on ("EMR <Operation> at <endpoint>: <Type>: <message>").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/emr_api.h"
#include "common/status.h"
#include "storage/backoff.h"

namespace sluice::cluster {

// The tag RunJobFlow adds to a cluster so that a retry can find it instead of making another.
inline constexpr std::string_view kClientTokenTag = "sluice:client-token";

struct EmrClientOptions {
  // Named in messages: "http://127.0.0.1:8080", "the local cluster service". It must not
  // contain ": ", which separates it from the error type.
  std::string endpoint;
  // Where the credentials came from, named in hints about signature errors ("profile sluice
  // in /home/me/.sluice/aws-credentials"). Never a secret.
  std::string credentials_source;
  storage::BackoffOptions backoff;
};

class EmrClient {
 public:
  EmrClient(std::shared_ptr<EmrApi> api, EmrClientOptions options);

  // Creates a cluster and returns its JobFlowId. Tags it {kClientTokenTag: client_token};
  // after a failure that may hide a success it first looks for an active cluster with the
  // same Name and tag, and only sends again when there is none.
  Result<std::string> RunJobFlow(const nlohmann::json& request, std::string_view client_token);
  // The "Cluster" object. NotFound (EmrErrorType "InvalidRequestException") for an unknown id.
  Result<nlohmann::json> DescribeCluster(std::string_view cluster_id);
  // Cluster summaries of every page; all states when `states` is empty.
  Result<std::vector<nlohmann::json>> ListClusters(const std::vector<std::string>& states = {});
  Status TerminateJobFlows(const std::vector<std::string>& cluster_ids);
  // Adds `steps` (a JSON array of StepConfig) and returns their StepIds. Only throttled
  // answers are retried: after a 5xx or a dropped connection the steps may have been added.
  Result<std::vector<std::string>> AddJobFlowSteps(std::string_view cluster_id,
                                                   const nlohmann::json& steps);
  // The "Step" object.
  Result<nlohmann::json> DescribeStep(std::string_view cluster_id, std::string_view step_id);
  // Step summaries of every page; all states when `states` is empty.
  Result<std::vector<nlohmann::json>> ListSteps(std::string_view cluster_id,
                                                const std::vector<std::string>& states = {});
  // The CancelStepsInfoList array.
  Result<nlohmann::json> CancelSteps(std::string_view cluster_id,
                                     const std::vector<std::string>& step_ids);
  // Any other operation that is safe to repeat (ListInstanceGroups, ListBootstrapActions):
  // the whole answer, with retries.
  Result<nlohmann::json> Call(std::string_view operation, const nlohmann::json& request);
  // Every page of a List operation that pages with Marker, concatenating `list_key`.
  Result<std::vector<nlohmann::json>> ListAll(std::string_view operation, nlohmann::json request,
                                              std::string_view list_key);

 private:
  enum class RetryOn { kThrottling, kAnyTransientFailure };
  Result<nlohmann::json> CallWithRetries(std::string_view operation, const nlohmann::json& request,
                                         RetryOn retry_on);
  Result<std::optional<std::string>> FindClusterByToken(std::string_view name,
                                                        std::string_view client_token);

  std::shared_ptr<EmrApi> api_;
  EmrClientOptions options_;
};

// The EMR error type named by a Status from EmrClient ("InvalidRequestException",
// "SignatureDoesNotMatch"), even under added context; "" when the failure was not an error
// answer from the service (a dropped connection, a malformed request built by the caller).
std::string EmrErrorType(const Status& status);

}  // namespace sluice::cluster
