#include "orchestrator/try_completion.h"

#include "orchestrator/retry_policy.h"

namespace sluice::orchestrator {

TaskState StateAfter(const TaskInstanceModel& ti, const TaskOutcome& outcome) {
  switch (outcome.kind) {
    case TaskOutcome::Kind::kSuccess: return TaskState::kSuccess;
    case TaskOutcome::Kind::kSkipped: return TaskState::kSkipped;
    case TaskOutcome::Kind::kReschedule: return TaskState::kUpForReschedule;
    case TaskOutcome::Kind::kFailed:
      return ti.try_number <= ti.max_tries ? TaskState::kUpForRetry : TaskState::kFailed;
  }
  return TaskState::kFailed;
}

Result<bool> CompleteTry(MetadataStore& store, const TaskSpec& task, const TaskInstanceModel& ti,
                         TimePoint logical_date, const TaskOutcome& outcome, TimePoint now) {
  TaskState next = StateAfter(ti, outcome);
  TaskInstanceUpdate update;
  update.state = next;
  update.pid = std::nullopt;
  if (next == TaskState::kUpForRetry) {
    RetryPolicy policy{task.retries, task.retry_delay, task.retry_exponential_backoff,
                       task.max_retry_delay};
    update.next_attempt_at = now + RetryDelay(policy, ti.dag_id, ti.task_id, logical_date,
                                              ti.try_number);
    update.end_date = now;
  } else if (next == TaskState::kUpForReschedule) {
    update.next_attempt_at = now + task.poke_interval;
  } else {
    update.end_date = now;
    update.next_attempt_at = std::nullopt;
    if (ti.start_date) update.duration = now - *ti.start_date;
  }
  bool applied = false;
  Status st = store.WithTransaction([&]() -> Status {
    auto current = store.GetTaskInstance(ti.key());
    if (!current.ok()) return current.status();
    if (current->try_number != ti.try_number) return Status::OK();  // a newer try owns the row
    ASSIGN_OR_RETURN(applied, store.TransitionTaskInstance(
                                  ti.key(), {TaskState::kRunning, TaskState::kQueued}, update));
    if (!applied) return Status::OK();
    // A reschedule is the same try continuing later; its record stays open.
    if (next != TaskState::kUpForReschedule) {
      TaskState try_state = outcome.kind == TaskOutcome::Kind::kFailed ? TaskState::kFailed : next;
      RETURN_NOT_OK(store.FinishTry(ti.key(), ti.try_number, try_state, now, outcome.message));
    }
    if (outcome.kind == TaskOutcome::Kind::kSuccess && outcome.return_value) {
      XComModel x;
      x.dag_id = ti.dag_id;
      x.run_id = ti.run_id;
      x.task_id = ti.task_id;
      x.value = *outcome.return_value;
      RETURN_NOT_OK(store.PushXCom(x));
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return applied;
}

}  // namespace sluice::orchestrator
