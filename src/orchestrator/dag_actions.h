// What users do to DAG runs, shared by the CLI (`dags trigger`, `tasks clear`) and the REST
// API (POST dagRuns, clearTaskInstances): a manual run queued for the scheduler, and Airflow's
// clear, which sends task instances back to no state so that they run again.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

struct TriggerRequest {
  std::string run_id;                     // empty: "manual__<logical date>"
  std::optional<TimePoint> logical_date;  // empty: now
  nlohmann::json conf = nlohmann::json::object();
};

// Queues a manual run of `dag` (external_trigger, data interval from its timetable). Errors as
// CreateDagRun's: AlreadyExists names the run id or logical date that is taken.
Result<DagRunModel> TriggerDagRun(MetadataStore& store, const DagSpec& dag,
                                  const TriggerRequest& request);

// Which task instances Airflow's clear picks (its `dag.clear` and the REST API's
// clearTaskInstances), among the DAG's runs.
struct ClearRequest {
  // The runs: with run_id, that run, and also every earlier one with include_past and every
  // later one with include_future (by logical date). Without run_id, the runs whose logical
  // date is within [start_date, end_date]; an empty bound (or include_past for start_date,
  // include_future for end_date) leaves that side open.
  std::string run_id;
  bool include_past = false;
  bool include_future = false;
  std::optional<TimePoint> start_date;
  std::optional<TimePoint> end_date;
  // The tasks: these (empty: every task the DAG has), with include_upstream every task they
  // depend on and with include_downstream every task that depends on them, transitively.
  std::vector<std::string> task_ids;
  bool include_upstream = false;
  bool include_downstream = false;
  bool only_failed = false;    // only failed and upstream_failed ones
  bool only_running = false;   // only running ones
  bool reset_dag_runs = true;  // queue the runs of cleared task instances again
  bool dry_run = false;        // say what would be cleared, change nothing
};

struct ClearedTaskInstance {
  TaskInstanceModel ti;    // as it was before the clear
  TimePoint logical_date;  // its run's
};

// Airflow's clear: in one transaction, the chosen task instances go back to no state (their
// retries counted afresh from the try they reached), their XComs are dropped and, with
// reset_dag_runs, their runs are queued again. Returns them by run (oldest logical date
// first), in creation order within a run. NotFound for an unknown run_id; InvalidArgument for
// a task id the DAG does not have, or (not in a dry run) when one of them is queued or running
// (nothing is changed then).
Result<std::vector<ClearedTaskInstance>> ClearTaskInstances(MetadataStore& store,
                                                            const DagSpec& dag,
                                                            const ClearRequest& request);

}  // namespace sluice::orchestrator
