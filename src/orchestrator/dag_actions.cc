#include "orchestrator/dag_actions.h"

#include <algorithm>
#include <set>

namespace sluice::orchestrator {

namespace {

// `ids` and, as asked, every task upstream or downstream of them, transitively; every task
// of the DAG when `ids` is empty.
Result<std::set<std::string>> TasksToClear(const DagSpec& dag, const ClearRequest& request) {
  std::set<std::string> chosen;
  if (request.task_ids.empty()) {
    for (const auto& t : dag.tasks) chosen.insert(t.id);
    return chosen;
  }
  std::vector<const TaskSpec*> pending;
  for (const auto& id : request.task_ids) {
    const TaskSpec* task = dag.FindTask(id);
    if (!task) {
      return Status::InvalidArgument("DAG '" + dag.dag_id + "' has no task '" + id + "'");
    }
    if (chosen.insert(id).second) pending.push_back(task);
  }
  while (!pending.empty()) {
    const TaskSpec* task = pending.back();
    pending.pop_back();
    std::vector<std::string> next;
    if (request.include_upstream) next = task->upstream;
    if (request.include_downstream) {
      next.insert(next.end(), task->downstream.begin(), task->downstream.end());
    }
    for (const auto& id : next) {
      if (chosen.insert(id).second) pending.push_back(dag.FindTask(id));
    }
  }
  return chosen;
}

// The runs the request covers, oldest first.
Result<std::vector<DagRunModel>> RunsToClear(MetadataStore& store, const DagSpec& dag,
                                             const ClearRequest& request) {
  TimePoint first = request.start_date.value_or(TimePoint::min());
  TimePoint last = request.end_date.value_or(TimePoint::max());
  if (!request.run_id.empty()) {
    ASSIGN_OR_RETURN(DagRunModel run, store.GetDagRun({dag.dag_id, request.run_id}));
    first = last = run.logical_date;
  }
  if (request.include_past) first = TimePoint::min();
  if (request.include_future) last = TimePoint::max();
  DagRunQuery q;
  q.dag_id = dag.dag_id;
  ASSIGN_OR_RETURN(std::vector<DagRunModel> runs, store.ListDagRuns(q));  // newest first
  std::vector<DagRunModel> out;
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (it->logical_date < first || it->logical_date > last) continue;
    out.push_back(std::move(*it));
  }
  return out;
}

bool StateChosen(TaskState state, const ClearRequest& request) {
  if (request.only_failed && state != TaskState::kFailed && state != TaskState::kUpstreamFailed) {
    return false;
  }
  return !request.only_running || state == TaskState::kRunning;
}

Status ResetTaskInstance(MetadataStore& store, const DagSpec& dag, const TaskInstanceModel& ti) {
  TaskInstanceUpdate u;
  u.state = TaskState::kNone;
  const TaskSpec* task = dag.FindTask(ti.task_id);
  u.max_tries = ti.try_number + (task ? task->retries : 0);
  u.end_date = std::nullopt;
  u.next_attempt_at = std::nullopt;
  u.pid = std::nullopt;
  RETURN_NOT_OK(store.TransitionTaskInstance(ti.key(), {}, u).status());
  return store.ClearXComs(ti.key());
}

}  // namespace

Result<DagRunModel> TriggerDagRun(MetadataStore& store, const DagSpec& dag,
                                  const TriggerRequest& request) {
  if (!request.conf.is_object()) {
    return Status::InvalidArgument("a run's conf must be a JSON object");
  }
  DagRunModel run;
  run.dag_id = dag.dag_id;
  run.logical_date = request.logical_date.value_or(Now());
  run.run_id =
      request.run_id.empty() ? "manual__" + FormatIso8601(run.logical_date) : request.run_id;
  run.run_type = DagRunType::kManual;
  DataInterval interval = dag.timetable.ManualInterval(run.logical_date);
  run.data_interval_start = interval.start;
  run.data_interval_end = interval.end;
  run.conf = request.conf;
  run.external_trigger = true;
  return store.CreateDagRun(run);
}

Result<std::vector<ClearedTaskInstance>> ClearTaskInstances(MetadataStore& store,
                                                            const DagSpec& dag,
                                                            const ClearRequest& request) {
  ASSIGN_OR_RETURN(std::set<std::string> tasks, TasksToClear(dag, request));
  std::vector<ClearedTaskInstance> cleared;
  Status st = store.WithTransaction([&]() -> Status {
    cleared.clear();  // the transaction may be retried
    ASSIGN_OR_RETURN(std::vector<DagRunModel> runs, RunsToClear(store, dag, request));
    std::vector<DagRunKey> touched;
    for (const auto& run : runs) {
      ASSIGN_OR_RETURN(std::vector<TaskInstanceModel> tis, store.ListTaskInstances(run.key()));
      size_t before = cleared.size();
      for (auto& ti : tis) {
        if (!tasks.count(ti.task_id) || !StateChosen(ti.state, request)) continue;
        bool active = ti.state == TaskState::kRunning || ti.state == TaskState::kQueued;
        if (active && !request.dry_run) {
          return Status::InvalidArgument("task " + ti.task_id + " of run " + ti.run_id + " is " +
                                         std::string(ToString(ti.state)) + "; wait for it to end");
        }
        cleared.push_back({std::move(ti), run.logical_date});
      }
      if (cleared.size() > before) touched.push_back(run.key());
    }
    if (request.dry_run) return Status::OK();
    for (const auto& c : cleared) RETURN_NOT_OK(ResetTaskInstance(store, dag, c.ti));
    if (!request.reset_dag_runs) return Status::OK();
    for (const auto& run : touched) {
      RETURN_NOT_OK(store.SetDagRunState(run, DagRunState::kQueued, Now()));
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return cleared;
}

}  // namespace sluice::orchestrator
