// What the local service's handler files share: EMR's error replies, request field readers
// and Marker pagination. Private to the local cluster service.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/cluster_store.h"
#include "cluster/emr_api.h"

// In a handler: unwraps a variant<T, EmrReply>, returning the reply (an EMR error) as the
// handler's answer.
#define SLUICE_TAKE_OR_REPLY(lhs, expr)                             \
  auto lhs##_v = (expr);                                            \
  if (auto* reply = std::get_if<EmrReply>(&lhs##_v)) return *reply; \
  auto lhs = std::move(std::get<0>(lhs##_v))

namespace sluice::cluster::local {

inline EmrReply ValidationError(std::string_view message) {
  return EmrReply::Error(400, "ValidationException", message);
}
inline EmrReply InvalidRequest(std::string_view message) {
  return EmrReply::Error(400, "InvalidRequestException", message);
}

// A required string member: the value, or EMR's validation message naming the member.
std::variant<std::string, EmrReply> RequiredString(const nlohmann::json& request,
                                                   const char* key);
// An optional array of strings ("ClusterStates", "StepIds", ...); a wrong shape is an error.
std::variant<std::vector<std::string>, EmrReply> StringList(const nlohmann::json& request,
                                                            const char* key);

// The cluster, or InvalidRequestException as EMR says it for an unknown id.
Result<std::variant<ClusterRecord, EmrReply>> LoadCluster(ClusterStore* store,
                                                          const std::string& id);

// Step records for EMR StepConfig objects (Name, ActionOnFailure, HadoopJarStep); null is
// no steps. Only command-runner.jar steps run on a local cluster.
std::variant<std::vector<StepRecord>, EmrReply> StepsFromConfigs(const std::string& cluster_id,
                                                                 const nlohmann::json& configs);

// One page of `items` from the request's Marker (an offset); adds "Marker" when more remain.
void Paginate(const nlohmann::json& request, const std::vector<nlohmann::json>& items,
              const char* list_key, nlohmann::json* out);

}  // namespace sluice::cluster::local
