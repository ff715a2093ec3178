// What the orchestrator commands share: the home, the metadata store and the DAG folder,
// opened the same way for each.
#pragma once

#include <memory>

#include "orchestrator/dag_folder.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace sluice::cli {

struct OrchestratorContext {
  orchestrator::SluiceHome home;
  std::unique_ptr<orchestrator::MetadataStore> store;
  std::unique_ptr<orchestrator::DagFolder> dags;
};

// Loads the home (exporting SLUICE_HOME for the processes it starts), registers the
// operators and opens the store (`create`: initialise a missing DB) and, if asked, reads
// the dags folder and records its DAGs and import errors in the store.
Result<OrchestratorContext> OpenContext(bool create_db, bool read_dags);

// The DAG `dag_id` from the dags folder, or an error naming the file that failed to load.
Result<std::shared_ptr<const orchestrator::DagSpec>> FindDag(OrchestratorContext& ctx,
                                                             const std::string& dag_id);

}  // namespace sluice::cli
