// Where the local cluster service keeps its clusters and steps: the metadata DB (the
// orchestrator's SQLite store implements this interface; a PostgreSQL one can later). The
// service and the supervisors change records by reading and saving them inside one
// transaction, so concurrent processes never lose each other's changes.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "cluster/cluster_model.h"
#include "common/status.h"

namespace sluice::cluster {

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;

  // Runs fn in one write transaction; committed if it returns OK, rolled back otherwise.
  virtual Status WithTransaction(const std::function<Status()>& fn) = 0;

  // AlreadyExists if the id is taken.
  virtual Status CreateCluster(const ClusterRecord& cluster) = 0;
  virtual Result<ClusterRecord> GetCluster(std::string_view id) = 0;  // NotFound if missing
  // Clusters in any of `states` (all when empty), newest first.
  virtual Result<std::vector<ClusterRecord>> ListClusters(
      const std::vector<ClusterState>& states) = 0;
  virtual Status SaveCluster(const ClusterRecord& cluster) = 0;  // NotFound if missing

  // Appends steps to their cluster in order, setting each one's seq.
  virtual Status AddSteps(std::vector<StepRecord>* steps) = 0;
  virtual Result<StepRecord> GetStep(std::string_view cluster_id, std::string_view step_id) = 0;
  // The cluster's steps in submission order.
  virtual Result<std::vector<StepRecord>> ListSteps(std::string_view cluster_id) = 0;
  virtual Status SaveStep(const StepRecord& step) = 0;  // NotFound if missing
};

}  // namespace sluice::cluster
