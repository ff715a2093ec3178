#include "orchestrator/dag_actions.h"

#include <algorithm>

namespace sluice::orchestrator {

namespace {

bool Chosen(const TaskInstanceModel& ti, const ClearRequest& request) {
  const auto& ids = request.task_ids;
  if (!ids.empty() && std::find(ids.begin(), ids.end(), ti.task_id) == ids.end()) return false;
  if (request.only_failed) {
    return ti.state == TaskState::kFailed || ti.state == TaskState::kUpstreamFailed;
  }
  return true;
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

Result<std::vector<TaskInstanceModel>> ClearTaskInstances(MetadataStore& store, const DagSpec& dag,
                                                          const DagRunKey& run,
                                                          const ClearRequest& request) {
  std::vector<TaskInstanceModel> cleared;
  Status st = store.WithTransaction([&]() -> Status {
    cleared.clear();  // the transaction may be retried
    RETURN_NOT_OK(store.GetDagRun(run).status());
    ASSIGN_OR_RETURN(std::vector<TaskInstanceModel> tis, store.ListTaskInstances(run));
    for (const auto& ti : tis) {
      if (!Chosen(ti, request)) continue;
      if (ti.state == TaskState::kRunning || ti.state == TaskState::kQueued) {
        return Status::InvalidArgument("task " + ti.task_id + " is " +
                                       std::string(ToString(ti.state)) + "; wait for it to end");
      }
      cleared.push_back(ti);
    }
    if (request.dry_run || cleared.empty()) return Status::OK();
    for (const auto& ti : cleared) RETURN_NOT_OK(ResetTaskInstance(store, dag, ti));
    return store.SetDagRunState(run, DagRunState::kQueued, Now());
  });
  if (!st.ok()) return st;
  return cleared;
}

}  // namespace sluice::orchestrator
