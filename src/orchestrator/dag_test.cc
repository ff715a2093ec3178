#include "orchestrator/dag_test.h"

#include <map>
#include <set>

#include "orchestrator/cluster_reaper.h"
#include "orchestrator/local_executor.h"
#include "orchestrator/run_scheduler.h"

namespace sluice::orchestrator {

Status SyncDag(MetadataStore& store, const DagSpec& dag, bool paused_at_creation) {
  DagModel m;
  m.dag_id = dag.dag_id;
  m.is_paused = paused_at_creation;  // used only when the row is created
  m.fileloc = dag.file;
  m.schedule = dag.timetable.is_manual_only() ? std::nullopt
                                              : std::optional<std::string>(dag.timetable.text());
  m.timezone = dag.timezone;
  m.description = dag.description;
  m.tags = dag.tags;
  m.last_parsed_at = Now();
  m.max_active_runs = dag.max_active_runs;
  return store.UpsertDag(m);
}

namespace {

// Reports tasks whose state changed since the last call.
class StateReporter {
 public:
  explicit StateReporter(std::function<void(const std::string&)> report)
      : report_(std::move(report)) {}
  void Update(MetadataStore& store, const DagRunKey& run) {
    if (!report_) return;
    auto tis = store.ListTaskInstances(run);
    if (!tis.ok()) return;
    for (const auto& ti : *tis) {
      auto& last = last_[ti.task_id];
      if (last == ti.state && seen_.count(ti.task_id)) continue;
      seen_.insert(ti.task_id);
      last = ti.state;
      if (ti.state == TaskState::kNone) continue;
      std::string line = ti.task_id + ": " + std::string(ToString(ti.state));
      if (ti.try_number > 0) line += " (try " + std::to_string(ti.try_number) + ")";
      if (IsFinished(ti.state) && !ti.log_path.empty()) line += "  log: " + ti.log_path;
      if (ti.state == TaskState::kFailed || ti.state == TaskState::kUpForRetry) {
        line += TryError(store, ti);
      }
      report_(line);
    }
  }

 private:
  // Why the task instance's current try failed, as "  error: ...", if it says.
  static std::string TryError(MetadataStore& store, const TaskInstanceModel& ti) {
    auto tries = store.ListTries(ti.key());
    if (!tries.ok()) return "";
    for (const auto& t : *tries) {
      if (t.try_number == ti.try_number && !t.error.empty()) return "  error: " + t.error;
    }
    return "";
  }

  std::function<void(const std::string&)> report_;
  std::map<std::string, TaskState> last_;
  std::set<std::string> seen_;
};

}  // namespace

Result<DagRunModel> RunDagTest(const SluiceHome& home, MetadataStore& store, const DagSpec& dag,
                               const DagTestOptions& options) {
  RETURN_NOT_OK(SyncDag(store, dag, home.dags_are_paused_at_creation));
  DagRunQuery same_date;
  same_date.dag_id = dag.dag_id;
  ASSIGN_OR_RETURN(auto runs, store.ListDagRuns(same_date));
  for (const auto& r : runs) {
    if (r.logical_date != options.logical_date) continue;
    // The replaced run's clusters must not be forgotten while alive.
    RETURN_NOT_OK(TerminateClustersOfRun(home, &store, r.key(), options.report).status());
    RETURN_NOT_OK(store.DeleteDagRun(r.key()));
  }
  DagRunModel run;
  run.dag_id = dag.dag_id;
  run.run_id = "manual__" + FormatIso8601(options.logical_date);
  run.run_type = DagRunType::kManual;
  run.logical_date = options.logical_date;
  DataInterval interval = dag.timetable.ManualInterval(options.logical_date);
  run.data_interval_start = interval.start;
  run.data_interval_end = interval.end;
  run.conf = options.conf;
  run.external_trigger = true;
  ASSIGN_OR_RETURN(run, store.CreateDagRun(run));

  LocalExecutor executor(options.argv_prefix, home.parallelism);
  RunScheduler scheduler(&store, &executor, home, [&](const std::string& dag_id) {
    if (dag_id == dag.dag_id) return &dag;
    return options.find_dag ? options.find_dag(dag_id) : nullptr;
  });
  StateReporter reporter(options.report);
  for (;;) {
    ASSIGN_OR_RETURN(run, store.GetDagRun(run.key()));
    ASSIGN_OR_RETURN(auto progress, scheduler.Advance(dag, run, Now()));
    reporter.Update(store, run.key());
    if (progress.finished && executor.running() == 0) break;
    if (!progress.finished && executor.running() == 0 && !progress.wake_at) {
      // Nothing runs, nothing is due: e.g. depends_on_past on a previous run that failed.
      std::string waiting;
      ASSIGN_OR_RETURN(auto tis, store.ListTaskInstances(run.key()));
      for (const auto& ti : tis) {
        if (!IsFinished(ti.state)) waiting += (waiting.empty() ? "" : ", ") + ti.task_id;
      }
      return Status::Cancelled("run " + run.run_id + " cannot go on: tasks " + waiting +
                               " wait for something no task of this run will do (is a "
                               "depends_on_past task waiting for a previous run, or a task in "
                               "a pool of 0 slots?)");
    }
    TimePoint deadline = Now() + std::chrono::seconds(1);
    if (progress.wake_at && *progress.wake_at < deadline) deadline = *progress.wake_at;
    for (const auto& f : executor.Wait(deadline)) {
      RETURN_NOT_OK(scheduler.HandleFinished(dag, f, Now()));
    }
  }
  // The run has ended: no cluster it created outlives it.
  RETURN_NOT_OK(ReapClustersOfEndedRuns(home, &store, options.report).status());
  return store.GetDagRun(run.key());
}

}  // namespace sluice::orchestrator
