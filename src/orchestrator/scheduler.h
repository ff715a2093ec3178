// The scheduler (design.md §3): re-reads the dags folder, creates the runs schedules make
// due (data intervals, catchup, end_date, max_active_runs), starts queued manual runs, and
// advances every active run as soon as a try ends. After a restart it adopts the tries
// still running and fails those whose process is gone, so no finished task runs again.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "orchestrator/dag_folder.h"
#include "orchestrator/home.h"
#include "orchestrator/local_executor.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_scheduler.h"

namespace sluice::orchestrator {

class JobHeartbeat;

// Records what the folder holds: its DAGs (new ones paused when `paused_at_creation`), an
// import error per file that does not load, and which DAGs are gone.
Status SyncDagFolder(MetadataStore& store, const DagFolder& folder, bool paused_at_creation);

class Scheduler {
 public:
  struct Options {
    std::vector<std::string> argv_prefix;  // how to start `sluice` for each try
    // Only these runs (dag_id, run_id), and no new scheduled runs: backfill's foreground
    // loop. Empty: everything.
    std::set<std::pair<std::string, std::string>> only_runs;
    std::function<void(const std::string&)> report;  // a line per event worth telling
    // Keep a SchedulerJob row with a heartbeat and loop times (job_heartbeat.h): the
    // scheduler does, a backfill does not.
    bool record_job = false;
  };

  Scheduler(SluiceHome home, MetadataStore* store, DagFolder* dags, Options options);

  // Loops until `stop` is set (or, with only_runs, until those runs are finished).
  Status Run(const std::atomic<bool>& stop);

 private:
  Status Loop(const std::atomic<bool>& stop, JobHeartbeat* job);
  // Reads the dags folder again and records what it holds.
  Status SyncFolder();
  Status Recover();
  void RememberDags();
  // The DAG as loaded now, else as last loaded (its file is broken or gone).
  std::shared_ptr<const DagSpec> LastKnownDag(const std::string& dag_id) const;
  Status CreateDueRuns(const DagSpec& dag, TimePoint now);
  Result<std::optional<DataInterval>> LastScheduledInterval(const DagSpec& dag);
  // Advances the active runs; returns when to look again at the latest.
  Result<std::optional<TimePoint>> AdvanceRuns(TimePoint now, bool* all_done);

  SluiceHome home_;
  MetadataStore* store_;
  DagFolder* dags_;
  Options options_;
  LocalExecutor executor_;
  RunScheduler runs_;
  std::map<std::string, std::optional<DataInterval>> last_interval_;  // per DAG
  std::map<std::string, bool> paused_;                                // per DAG, read once per pass
  TimePoint next_zombie_sweep_;
  // Clusters of ended runs are reaped when a run ends, at start, and with every zombie sweep
  // (to retry a cluster that could not be reached).
  bool reap_clusters_ = true;
  std::map<std::string, std::shared_ptr<const DagSpec>> last_known_;  // per DAG
  // Runs active when the scheduler started whose orphaned tries are not recovered yet.
  std::set<std::pair<std::string, std::string>> to_recover_;
};

// The run_id Airflow gives scheduled runs: "scheduled__<logical date, ISO 8601>".
std::string ScheduledRunId(TimePoint logical_date);

}  // namespace sluice::orchestrator
