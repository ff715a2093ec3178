// `sluice dags test ID [DATE]`: one whole DAG run in the foreground, through the same run
// scheduler and local executor as the scheduler uses, printing each task's state as it
// changes. A run already at that logical date is replaced, so the command can be repeated.
// As Airflow's, it runs whether or not the DAG is paused.
#pragma once

#include <functional>
#include <string>

#include "orchestrator/dag.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/pool_slots.h"

namespace sluice::orchestrator {

struct DagTestOptions {
  TimePoint logical_date;
  nlohmann::json conf = nlohmann::json::object();
  std::vector<std::string> argv_prefix;            // how to start `sluice` for each try
  std::function<void(const std::string&)> report;  // one line per state change
  // The other DAGs, so that their queued and running tries count in the pools; unset: only
  // this DAG's tries count.
  DagLookup find_dag;
};

// Registers the DAG, runs it to the end and returns the run's final state.
Result<DagRunModel> RunDagTest(const SluiceHome& home, MetadataStore& store, const DagSpec& dag,
                               const DagTestOptions& options);

// Makes the metadata DB know the DAG as its file says (the DAG file processor's part). A DAG
// new to the DB starts paused when `paused_at_creation` (sluice.yml
// `dags_are_paused_at_creation`); a known one keeps its pause state.
Status SyncDag(MetadataStore& store, const DagSpec& dag, bool paused_at_creation);

}  // namespace sluice::orchestrator
