// Moves one DAG run forward (design.md §3): decides, task by task in dependency order, what
// the trigger rules and depends_on_past allow; settles empty tasks, skips and upstream
// failures itself; queues runnable tries while the executor and the task's pool have room;
// finishes the run when every task is done. It is called whenever something changed (a try
// ended, a retry became due), so a finished task's downstream tasks start at once.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "orchestrator/dag.h"
#include "orchestrator/home.h"
#include "orchestrator/local_executor.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/pool_slots.h"

namespace sluice::orchestrator {

class RunScheduler {
 public:
  // `find_dag` resolves the DAG of any queued or running try, so that tries of other runs
  // and processes count in their pools.
  RunScheduler(MetadataStore* store, LocalExecutor* executor, const SluiceHome& home,
               DagLookup find_dag)
      : store_(store),
        executor_(executor),
        home_(home.path),
        config_path_(home.config_path),
        pools_(home.pools),
        find_dag_(std::move(find_dag)) {}

  // Creates the run's missing task instances and advances it. Returns the earliest time a
  // waiting retry or reschedule becomes due (or a pool full of other processes' tries is
  // looked at again), if any, and whether the run is finished.
  struct Progress {
    bool finished = false;
    DagRunState state = DagRunState::kRunning;
    std::optional<TimePoint> wake_at;
  };
  Result<Progress> Advance(const DagSpec& dag, const DagRunModel& run, TimePoint now);

  // A try's process ended. If it did not record an outcome (it crashed, was killed, timed
  // out), the try fails here, per the task's retry policy.
  Status HandleFinished(const DagSpec& dag, const FinishedTry& finished, TimePoint now);

  // For one run: adopts try processes that still live but nobody watches, fails the tries
  // whose process is gone (zombies), and, after a scheduler restart (`reset_queued`), puts
  // back tries queued for a process that never started.
  Status RecoverOrphans(const DagSpec& dag, const DagRunModel& run, TimePoint now,
                        bool reset_queued = true);

 private:
  Status Queue(const DagSpec& dag, const TaskSpec& task, const TaskInstanceModel& ti);
  // Whether the executor and the task's pool have a free slot now. Pools are counted at the
  // first call of each Advance (`*counted`); a pool full of other processes' tries sets a
  // time to look again.
  Result<bool> HasRoom(const TaskSpec& task, TimePoint now, bool* counted, Progress* progress);
  // Fails, without retries, a task whose pool sluice.yml does not define, with a try and a
  // log that say why.
  Status FailUndefinedPool(const TaskSpec& task, const TaskInstanceModel& ti, TimePoint now);
  // Marks removed a waiting task instance whose task is no longer in the DAG; returns its
  // state after that.
  Result<TaskState> RemoveIfGone(const DagSpec& dag, const TaskInstanceModel& ti);
  Result<bool> PastAllowsRun(const DagSpec& dag, const DagRunModel& run, const TaskSpec& task);

  MetadataStore* store_;
  LocalExecutor* executor_;
  std::string home_;
  std::string config_path_;
  PoolSlots pools_;
  DagLookup find_dag_;
  // "dag\nrun\ntask ids...": runs whose task instances exist for exactly these tasks.
  std::set<std::string> created_;
};

// Airflow 2's "previous run" for depends_on_past: with catchup on a cron schedule, the run
// at the schedule's previous tick (none for @once); otherwise the latest run of any type with
// an earlier logical date. nullopt when there is none.
Result<std::optional<DagRunModel>> PreviousRun(MetadataStore& store, const DagSpec& dag,
                                               const DagRunModel& run);

// The state a finished run ends in: failed when a leaf task failed or was upstream_failed,
// teardowns being ignored (a task whose only downstream tasks are teardowns is a leaf).
DagRunState FinalRunState(const DagSpec& dag, const std::map<std::string, TaskState>& states);

}  // namespace sluice::orchestrator
