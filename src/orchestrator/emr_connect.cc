#include "orchestrator/emr_connect.h"

#include <filesystem>

#include "cluster/emr_http.h"
#include "cluster/process_identity.h"
#include "storage/aws_credentials.h"

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

Result<std::shared_ptr<cluster::EmrApi>> OpenEmrApi(const SluiceHome& home, MetadataStore* store,
                                                    const AwsConnection& connection) {
  if (connection.type == "local") {
    return std::shared_ptr<cluster::EmrApi>(MakeLocalEmrService(home, store));
  }
  cluster::EmrHttpOptions options;
  options.region = storage::ResolveRegion(connection.region);
  ASSIGN_OR_RETURN(options.endpoint_url,
                   storage::ResolveEndpoint("EMR", connection.endpoint_url, options.region));
  storage::Credentials given{connection.access_key_id, connection.secret_access_key,
                             connection.session_token};
  Result<storage::Credentials> credentials = storage::ResolveCredentials(given,
                                                                         connection.profile);
  if (!credentials.ok()) return credentials.status().WithContext(connection.Describe());
  options.credentials = std::move(*credentials);
  return cluster::MakeEmrHttpApi(std::move(options));
}

Result<std::unique_ptr<cluster::EmrClient>> OpenEmrClient(const SluiceHome& home,
                                                          MetadataStore* store,
                                                          std::string_view conn_id) {
  ASSIGN_OR_RETURN(AwsConnection connection, ResolveConnection(home, store, conn_id));
  ASSIGN_OR_RETURN(std::shared_ptr<cluster::EmrApi> api, OpenEmrApi(home, store, connection));
  cluster::EmrClientOptions options;
  if (connection.type == "local") {
    options.endpoint = "the local cluster service (connection " + connection.conn_id + ")";
  } else {
    std::string region = storage::ResolveRegion(connection.region);
    options.endpoint = storage::ResolveEndpoint("EMR", connection.endpoint_url, region)
                           .ValueOr(connection.endpoint_url) +
                       " (connection " + connection.conn_id + ")";
    options.credentials_source = connection.access_key_id.empty()
                                     ? "the AWS credential chain" +
                                           (connection.profile.empty()
                                                ? std::string()
                                                : " with profile " + connection.profile)
                                     : "the connection's access_key_id";
  }
  return std::make_unique<cluster::EmrClient>(std::move(api), std::move(options));
}

}  // namespace sluice::orchestrator
