// SLUICE_HOME (design.md §10): where the configuration, the metadata DB, the dags folder and
// the task logs live, and the settings the orchestrator reads from sluice.yml.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

struct SluiceHome {
  std::string path;         // $SLUICE_HOME, else ~/.sluice
  std::string config_path;  // <home>/sluice.yml (optional file)
  std::string db_path;      // <home>/sluice.db
  std::string dags_folder;  // sluice.yml `dags_folder`, else <home>/dags
  int parallelism = 32;     // sluice.yml `parallelism`: tries running at once
  std::chrono::milliseconds dag_refresh_interval{1000};  // `dag_dir_list_interval`
};

// Reads SLUICE_HOME (or ~/.sluice) and its sluice.yml; errors name the file and key.
Result<SluiceHome> LoadHome();

// Opens the metadata DB and checks its schema; `create` initialises a missing one (the
// scheduler and `dags test` do, as `airflow standalone` does).
Result<std::unique_ptr<MetadataStore>> OpenStore(const SluiceHome& home, bool create);

}  // namespace sluice::orchestrator
