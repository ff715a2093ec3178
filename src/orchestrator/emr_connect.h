// From a connection to an EMR API (design.md §11): the local cluster service in-process over
// this home's metadata DB (type local, the default of emr_default), or an EMR-API endpoint
// over HTTP with SigV4 (type aws: Amazon EMR, moto, or a `sluice server`).
#pragma once

#include <memory>
#include <string>

#include "cluster/emr_api.h"
#include "cluster/emr_client.h"
#include "cluster/local_emr_service.h"
#include "orchestrator/connections.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

// The local service; supervisors are started as detached `<sluice_binary> --home H clusters
// agent ID` processes (sluice_binary "" = this executable). `store` must outlive it.
std::unique_ptr<cluster::LocalEmrService> MakeLocalEmrService(const SluiceHome& home,
                                                              MetadataStore* store,
                                                              std::string sluice_binary = "");

// The EMR API a connection points at. `store` must outlive the result (local type).
Result<std::shared_ptr<cluster::EmrApi>> OpenEmrApi(const SluiceHome& home, MetadataStore* store,
                                                    const AwsConnection& connection);

// An EMR client for the connection `conn_id` (design.md §11), with messages that name it.
Result<std::unique_ptr<cluster::EmrClient>> OpenEmrClient(const SluiceHome& home,
                                                          MetadataStore* store,
                                                          std::string_view conn_id);

}  // namespace sluice::orchestrator
