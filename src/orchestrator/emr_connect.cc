#include "orchestrator/emr_connect.h"

#include <filesystem>

#include "cluster/process_identity.h"

namespace sluice::orchestrator {

std::unique_ptr<cluster::LocalEmrService> MakeLocalEmrService(const SluiceHome& home,
                                                              MetadataStore* store,
                                                              std::string sluice_binary) {
  if (sluice_binary.empty()) sluice_binary = cluster::SelfExecutable();
  cluster::LocalServiceOptions options;
  options.clusters_dir = (std::filesystem::path(home.path) / "clusters").string();
  options.start_supervisor = [home_path = home.path,
                              binary = std::move(sluice_binary)](const cluster::ClusterRecord& c) {
    return cluster::SpawnDetached({binary, "--home", home_path, "clusters", "agent", c.id},
                                  c.work_dir + "/supervisor.log");
  };
  return std::make_unique<cluster::LocalEmrService>(store->clusters(), std::move(options));
}

}  // namespace sluice::orchestrator
