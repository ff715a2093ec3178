// SLUICE_HOME (design.md §10): where the configuration, the metadata DB, the dags folder and
// the task logs live, and the settings the orchestrator reads from sluice.yml.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

// The pool of every task that names none.
inline constexpr std::string_view kDefaultPool = "default_pool";

struct SluiceHome {
  std::string path;         // $SLUICE_HOME, else ~/.sluice
  std::string config_path;  // <home>/sluice.yml (optional file)
  std::string db_path;      // <home>/sluice.db
  std::string dags_folder;  // SLUICE_DAGS_FOLDER, sluice.yml `dags_folder`, else <home>/dags
  int parallelism = 32;     // sluice.yml `parallelism`: tries running at once
  // sluice.yml `pools: {name: slots}` (Airflow's pools): at most `slots` tries of the pool's
  // tasks queued or running at once. default_pool always exists (128 unless set).
  std::map<std::string, int, std::less<>> pools{{std::string(kDefaultPool), 128}};
  std::chrono::milliseconds dag_refresh_interval{1000};  // `dag_dir_list_interval`
  // `dags_are_paused_at_creation` (Airflow's, default true): a DAG seen for the first time is
  // paused until a user turns it on.
  bool dags_are_paused_at_creation = true;
  // `scheduler_heartbeat_sec`: how often a scheduler writes its heartbeat and loop times.
  std::chrono::milliseconds scheduler_heartbeat{5000};
  // `scheduler_health_check_threshold` (seconds): a scheduler whose latest heartbeat is older
  // is unhealthy (/api/v1/health).
  std::chrono::milliseconds scheduler_health_check_threshold{30000};
};

// Reads SLUICE_HOME (or ~/.sluice) and its sluice.yml; errors name the file and key.
Result<SluiceHome> LoadHome();

// Opens the metadata DB and checks its schema; `create` initialises a missing one (the
// scheduler and `dags test` do, as `airflow standalone` does).
Result<std::unique_ptr<MetadataStore>> OpenStore(const SluiceHome& home, bool create);

}  // namespace sluice::orchestrator
