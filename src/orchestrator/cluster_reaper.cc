#include "orchestrator/cluster_reaper.h"

#include "cluster/emr_client.h"
#include "common/logging.h"
#include "orchestrator/emr_connect.h"

namespace sluice::orchestrator {

namespace {

bool Ended(const std::string& state) {
  return state == "TERMINATED" || state == "TERMINATED_WITH_ERRORS";
}

// Terminates one cluster if it still lives; true when it asked.
Result<bool> ReapOne(const SluiceHome& home, MetadataStore* store, const RunClusterModel& rc) {
  ASSIGN_OR_RETURN(auto client, OpenEmrClient(home, store, rc.connection));
  Result<nlohmann::json> cluster = client->DescribeCluster(rc.cluster_id);
  if (!cluster.ok()) {
    // A cluster the service does not know (any more) cannot leak.
    if (cluster::EmrErrorType(cluster.status()) == "InvalidRequestException") return false;
    return cluster.status();
  }
  std::string state = (*cluster)["Status"].value("State", "");
  if (Ended(state) || state == "TERMINATING") return false;
  RETURN_NOT_OK(client->TerminateJobFlows({rc.cluster_id}));
  return true;
}

Result<int> Reap(const SluiceHome& home, MetadataStore* store,
                 const std::vector<RunClusterModel>& pending,
                 const std::function<void(const std::string&)>& report) {
  int terminated = 0;
  for (const RunClusterModel& rc : pending) {
    Result<bool> asked = ReapOne(home, store, rc);
    if (!asked.ok()) {
      Log().warn("event=cluster_reap_failed dag_id={} run_id={} cluster_id={} error=\"{}\"",
                 rc.dag_id, rc.run_id, rc.cluster_id, asked.status().message());
      continue;
    }
    if (*asked) {
      ++terminated;
      if (report) {
        report("terminated cluster " + rc.cluster_id + " left running by run " + rc.run_id +
               " of " + rc.dag_id + " (created by task " + rc.task_id + ")");
      }
    }
    RETURN_NOT_OK(store->MarkRunClusterReaped({rc.dag_id, rc.run_id}, rc.cluster_id, Now()));
  }
  return terminated;
}

}  // namespace

Result<int> ReapClustersOfEndedRuns(const SluiceHome& home, MetadataStore* store,
                                    const std::function<void(const std::string&)>& report) {
  ASSIGN_OR_RETURN(std::vector<RunClusterModel> pending, store->ListClustersOfEndedRuns());
  return Reap(home, store, pending, report);
}

Result<int> TerminateClustersOfRun(const SluiceHome& home, MetadataStore* store,
                                   const DagRunKey& run,
                                   const std::function<void(const std::string&)>& report) {
  ASSIGN_OR_RETURN(std::vector<RunClusterModel> all, store->ListRunClusters(run));
  std::vector<RunClusterModel> pending;
  for (auto& rc : all) {
    if (!rc.reaped_at) pending.push_back(std::move(rc));
  }
  return Reap(home, store, pending, report);
}

}  // namespace sluice::orchestrator
