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

struct ClearRequest {
  std::vector<std::string> task_ids;  // empty: every task instance of the run
  bool only_failed = false;           // only failed and upstream_failed ones
  bool dry_run = false;               // say what would be cleared, change nothing
};

// Airflow's clear: in one transaction, the chosen task instances go back to no state (their
// retries counted afresh from the try they reached), their XComs are dropped and, if any
// was cleared, the run is queued again. Returns the task instances cleared (as they were).
// InvalidArgument when one of them is queued or running (nothing is changed then).
Result<std::vector<TaskInstanceModel>> ClearTaskInstances(MetadataStore& store, const DagSpec& dag,
                                                          const DagRunKey& run,
                                                          const ClearRequest& request);

}  // namespace sluice::orchestrator
