#include "cluster/local_emr_internal.h"

#include <algorithm>

namespace sluice::cluster::local {

namespace {
constexpr size_t kPageSize = 50;  // EMR's page size for ListClusters and ListSteps
}

std::variant<std::string, EmrReply> RequiredString(const nlohmann::json& request,
                                                   const char* key) {
  if (!request.contains(key) || !request[key].is_string() ||
      request[key].get<std::string>().empty()) {
    return ValidationError(std::string("1 validation error detected: Value at '") + key +
                           "' failed to satisfy constraint: Member must not be null");
  }
  return request[key].get<std::string>();
}

std::variant<std::vector<std::string>, EmrReply> StringList(const nlohmann::json& request,
                                                            const char* key) {
  std::vector<std::string> out;
  if (!request.contains(key) || request[key].is_null()) return out;
  if (!request[key].is_array()) {
    return ValidationError(std::string(key) + " must be a list of strings");
  }
  for (const auto& v : request[key]) {
    if (!v.is_string()) return ValidationError(std::string(key) + " must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::variant<ClusterRecord, EmrReply>> LoadCluster(ClusterStore* store,
                                                          const std::string& id) {
  Result<ClusterRecord> cluster = store->GetCluster(id);
  if (cluster.ok()) return std::variant<ClusterRecord, EmrReply>(std::move(*cluster));
  if (cluster.status().code() != StatusCode::kNotFound) return cluster.status();
  return std::variant<ClusterRecord, EmrReply>(
      InvalidRequest("Cluster id '" + id + "' is not valid."));
}

void Paginate(const nlohmann::json& request, const std::vector<nlohmann::json>& items,
              const char* list_key, nlohmann::json* out) {
  size_t offset = 0;
  if (request.contains("Marker") && request["Marker"].is_string()) {
    try {
      offset = std::stoul(request["Marker"].get<std::string>());
    } catch (...) {
      offset = items.size();  // a marker we did not hand out: nothing further
    }
  }
  offset = std::min(offset, items.size());
  size_t end = std::min(items.size(), offset + kPageSize);
  (*out)[list_key] = nlohmann::json::array();
  for (size_t i = offset; i < end; ++i) (*out)[list_key].push_back(items[i]);
  if (end < items.size()) (*out)["Marker"] = std::to_string(end);
}

}  // namespace sluice::cluster::local
