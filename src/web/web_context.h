// What every part of the HTTP server works with: the home, the metadata store, the local
// cluster service and the local credentials. Built once by Server::Start.
#pragma once

#include "cluster/emr_api.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "storage/aws_credentials.h"

namespace sluice::web {

struct WebContext {
  orchestrator::SluiceHome home;
  orchestrator::MetadataStore* store = nullptr;  // thread-safe; outlives the server
  cluster::EmrApi* emr = nullptr;                // the local cluster service
  storage::Credentials local_credentials;        // what EMR API requests must be signed with
};

}  // namespace sluice::web
