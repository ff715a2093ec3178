// The local cluster service (design.md §4): Sluice's embedded stand-in for Amazon EMR. It
// answers the EMR operations from the records in the metadata DB and starts one supervisor
// process per cluster, which does the cluster's work. The HTTP server, the CLI and the
// cluster operators all call it, so it works with or without a server running.
#pragma once

#include <functional>
#include <string>

#include "cluster/cluster_store.h"
#include "cluster/emr_api.h"

namespace sluice::cluster {

struct LocalServiceOptions {
  // Where clusters keep their work folders (<clusters_dir>/<cluster id>/).
  std::string clusters_dir;
  // Starts the supervisor of a cluster just created (the CLI's starts a detached
  // `sluice clusters agent ID`). Its failure fails RunJobFlow.
  std::function<Status(const ClusterRecord&)> start_supervisor;
};

class LocalEmrService final : public EmrApi {
 public:
  LocalEmrService(ClusterStore* store, LocalServiceOptions options);

  // Operations: RunJobFlow, DescribeCluster, ListClusters, TerminateJobFlows,
  // AddJobFlowSteps, DescribeStep, ListSteps, CancelSteps, ListInstanceGroups,
  // ListBootstrapActions. Unknown operations get EMR's UnknownOperationException.
  Result<EmrReply> Call(std::string_view operation, const nlohmann::json& request) override;

 private:
  Result<EmrReply> RunJobFlow(const nlohmann::json& request);
  Result<EmrReply> DescribeCluster(const nlohmann::json& request);
  Result<EmrReply> ListClusters(const nlohmann::json& request);
  Result<EmrReply> TerminateJobFlows(const nlohmann::json& request);
  Result<EmrReply> ListInstanceGroups(const nlohmann::json& request);
  Result<EmrReply> ListBootstrapActions(const nlohmann::json& request);
  Result<EmrReply> AddJobFlowSteps(const nlohmann::json& request);
  Result<EmrReply> DescribeStep(const nlohmann::json& request);
  Result<EmrReply> ListSteps(const nlohmann::json& request);
  Result<EmrReply> CancelSteps(const nlohmann::json& request);

  ClusterStore* store_;
  LocalServiceOptions options_;
};

}  // namespace sluice::cluster
