// The EMR API's output shapes (design.md §4) for the local service's records: what
// DescribeCluster, ListClusters, DescribeStep, ListSteps, ListInstanceGroups and
// ListBootstrapActions answer, as Amazon EMR spells them (timestamps as epoch seconds).
#pragma once

#include <nlohmann/json.hpp>

#include "cluster/cluster_model.h"

namespace sluice::cluster {

nlohmann::json ClusterArn(const std::string& cluster_id);
nlohmann::json DescribeClusterShape(const ClusterRecord& cluster);  // the "Cluster" object
nlohmann::json ClusterSummaryShape(const ClusterRecord& cluster);   // a ListClusters entry
nlohmann::json StepShape(const StepRecord& step);                   // DescribeStep's "Step"
nlohmann::json StepSummaryShape(const StepRecord& step);            // a ListSteps entry
nlohmann::json InstanceGroupsShape(const ClusterRecord& cluster);   // the "InstanceGroups"
nlohmann::json BootstrapActionsShape(const ClusterRecord& cluster);

// Where a step's stdout and stderr are published: <LogUri>/<cluster>/steps/<step>/, as on EMR;
// "" when the cluster has no LogUri.
std::string StepLogFolder(const ClusterRecord& cluster, const std::string& step_id);

}  // namespace sluice::cluster
