#include "orchestrator/run_scheduler.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "orchestrator/task_operator.h"
#include "orchestrator/task_runner.h"
#include "orchestrator/trigger_rules.h"
#include "orchestrator/try_completion.h"

namespace sluice::orchestrator {

namespace {

// How often a task held back by a pool that other processes' tries fill looks again (the
// tries of this process wake the scheduler when they end).
constexpr auto kPoolRecheck = std::chrono::seconds(1);

bool IsFailure(TaskState s) { return s == TaskState::kFailed || s == TaskState::kUpstreamFailed; }

using StateMap = std::map<std::string, TaskState>;

// What a task sees of one upstream. A teardown passes on the outcome of the work it closes:
// downstream of it, a failed step still counts as a failure although the teardown succeeded.
TaskState SeenState(const DagSpec& dag, const TaskSpec& upstream, const StateMap& states) {
  TaskState own = states.at(upstream.id);
  if (!upstream.teardown_of || !IsFinished(own)) return own;
  for (const auto& u : upstream.upstream) {
    if (u != *upstream.teardown_of && IsFailure(states.at(u))) return TaskState::kUpstreamFailed;
  }
  return own;
}

TriggerDecision Decide(const DagSpec& dag, const TaskSpec& task, const StateMap& states) {
  std::vector<TaskState> seen;
  for (const auto& u : task.upstream) {
    const TaskSpec* up = dag.FindTask(u);
    seen.push_back(task.teardown_of ? states.at(u) : SeenState(dag, *up, states));
  }
  TaskState setup = task.teardown_of ? states.at(*task.teardown_of) : TaskState::kSuccess;
  return EvaluateTriggerRule(task.trigger_rule, UpstreamStates::Of(seen), setup);
}

Status Settle(MetadataStore& store, const TaskInstanceKey& key, TaskState from, TaskState to,
              TimePoint now) {
  TaskInstanceUpdate u;
  u.state = to;
  u.end_date = now;
  if (to == TaskState::kSuccess) {
    u.start_date = now;
    u.duration = Micros(0);
  }
  return store.TransitionTaskInstance(key, {from}, u).status();
}

}  // namespace

DagRunState FinalRunState(const DagSpec& dag, const StateMap& states) {
  bool all_teardowns = true;
  for (const auto& t : dag.tasks) all_teardowns &= t.teardown_of.has_value();
  for (const auto& t : dag.tasks) {
    if (t.teardown_of && !all_teardowns) continue;
    bool leaf = true;
    for (const auto& d : t.downstream) leaf &= dag.FindTask(d)->teardown_of.has_value();
    auto it = states.find(t.id);
    if (leaf && it != states.end() && IsFailure(it->second)) return DagRunState::kFailed;
  }
  return DagRunState::kSuccess;
}

Result<std::optional<DagRunModel>> PreviousRun(MetadataStore& store, const DagSpec& dag,
                                               const DagRunModel& run) {
  const std::optional<DagRunModel> kNone;
  DagRunQuery q;
  q.dag_id = dag.dag_id;
  q.limit = 1;
  q.logical_date_before = run.logical_date;
  std::optional<TimePoint> tick;
  if (dag.catchup && !dag.timetable.is_manual_only()) {
    // The timetable's previous data interval starts at the last tick before this run's
    // logical date; @once has no ticks, hence no previous run.
    if (dag.timetable.NextTicks(run.logical_date, 1).empty()) return kNone;
    tick = dag.timetable.ManualInterval(run.logical_date - Micros(1)).start;
    q.logical_date_before = *tick + Micros(1);
  }
  ASSIGN_OR_RETURN(auto previous, store.ListDagRuns(q));
  if (previous.empty() || (tick && previous[0].logical_date != *tick)) return kNone;
  return std::optional<DagRunModel>(previous[0]);
}

Result<bool> RunScheduler::PastAllowsRun(const DagSpec& dag, const DagRunModel& run,
                                         const TaskSpec& task) {
  if (!task.depends_on_past) return true;
  ASSIGN_OR_RETURN(auto previous, PreviousRun(*store_, dag, run));
  if (!previous) return true;
  auto ti = store_->GetTaskInstance({dag.dag_id, previous->run_id, task.id});
  if (ti.status().code() == StatusCode::kNotFound) {
    // A finished run without it predates the task; an unfinished one has not made its task
    // instances yet.
    return IsFinished(previous->state);
  }
  if (!ti.ok()) return ti.status();
  return ti->state == TaskState::kSuccess || ti->state == TaskState::kSkipped;
}

Result<TaskState> RunScheduler::RemoveIfGone(const DagSpec& dag, const TaskInstanceModel& ti) {
  // Airflow's verify_integrity: a task the DAG file no longer has must not hold its run back.
  // Running tries end first (HandleFinished); finished ones keep their history.
  bool active = ti.state == TaskState::kRunning || ti.state == TaskState::kQueued;
  if (dag.FindTask(ti.task_id) || IsFinished(ti.state) || active) return ti.state;
  TaskInstanceUpdate u;
  u.state = TaskState::kRemoved;
  u.next_attempt_at = std::nullopt;
  ASSIGN_OR_RETURN(bool removed, store_->TransitionTaskInstance(ti.key(), {ti.state}, u));
  if (removed) return TaskState::kRemoved;
  ASSIGN_OR_RETURN(auto fresh, store_->GetTaskInstance(ti.key()));
  return fresh.state;
}

Status RunScheduler::Queue(const DagSpec& dag, const TaskSpec& task, const TaskInstanceModel& ti) {
  // A rescheduled sensor continues the same try; anything else starts the next one.
  int try_number = ti.state == TaskState::kUpForReschedule ? ti.try_number : ti.try_number + 1;
  TaskInstanceUpdate u;
  u.state = TaskState::kQueued;
  u.try_number = try_number;
  u.queued_at = Now();
  std::string log = TryLogPath(home_, ti.key(), try_number);
  u.log_path = log;
  ASSIGN_OR_RETURN(bool queued, store_->TransitionTaskInstance(ti.key(), {ti.state}, u));
  if (!queued) return Status::OK();  // someone else moved it
  Status launched = executor_->Launch({ti.key(), try_number}, log, task.execution_timeout);
  if (launched.ok()) return Status::OK();
  TaskInstanceModel now_queued = ti;
  now_queued.state = TaskState::kQueued;
  now_queued.try_number = try_number;
  ASSIGN_OR_RETURN(auto run, store_->GetDagRun({ti.dag_id, ti.run_id}));
  return CompleteTry(*store_, task, now_queued, run.logical_date,
                     TaskOutcome::Failed("could not start the try: " + launched.message()), Now())
      .status();
}

Result<bool> RunScheduler::HasRoom(const TaskSpec& task, TimePoint now, bool* counted,
                                   Progress* progress) {
  if (executor_->free_slots() <= 0) return false;
  if (!*counted) {
    RETURN_NOT_OK(pools_.Recount(*store_, find_dag_));
    *counted = true;
  }
  if (pools_.Free(task.pool) > 0) return true;
  // A pool of 0 slots never frees up: nothing to look at again.
  if (pools_.Size(task.pool) > 0) {
    TimePoint again = now + kPoolRecheck;
    if (!progress->wake_at || again < *progress->wake_at) progress->wake_at = again;
  }
  return false;
}

Status RunScheduler::FailUndefinedPool(const TaskSpec& task, const TaskInstanceModel& ti,
                                       TimePoint now) {
  std::string why = pools_.UndefinedMessage(task, config_path_);
  int try_number = ti.state == TaskState::kUpForReschedule ? ti.try_number : ti.try_number + 1;
  std::string log = TryLogPath(home_, ti.key(), try_number);
  TaskInstanceUpdate u;
  u.state = TaskState::kQueued;
  u.try_number = try_number;
  u.queued_at = now;
  u.start_date = now;
  u.log_path = log;
  ASSIGN_OR_RETURN(bool owned, store_->TransitionTaskInstance(ti.key(), {ti.state}, u));
  if (!owned) return Status::OK();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(log).parent_path(), ec);
  std::ofstream(log, std::ios::app) << FormatIso8601(now) << " sluice: try " << try_number
                                    << " of task " << task.id << " not started: " << why << "\n";
  TaskTryModel attempt;
  attempt.dag_id = ti.dag_id;
  attempt.run_id = ti.run_id;
  attempt.task_id = ti.task_id;
  attempt.try_number = try_number;
  attempt.start_date = now;
  attempt.log_path = log;
  RETURN_NOT_OK(store_->StartTry(attempt));
  TaskInstanceModel queued = ti;
  queued.state = TaskState::kQueued;
  queued.try_number = try_number;
  queued.start_date = now;
  queued.max_tries = 0;  // retrying cannot help: sluice.yml is read once, at start
  ASSIGN_OR_RETURN(auto run, store_->GetDagRun({ti.dag_id, ti.run_id}));
  return CompleteTry(*store_, task, queued, run.logical_date, TaskOutcome::Failed(why), now)
      .status();
}

Result<RunScheduler::Progress> RunScheduler::Advance(const DagSpec& dag, const DagRunModel& run,
                                                     TimePoint now) {
  Progress progress;
  if (IsFinished(run.state)) {
    progress.finished = true;
    progress.state = run.state;
    return progress;
  }
  // The run's task instances exist once created for this set of tasks; skipping the
  // insert on every event keeps a finished try's hop short in large DAGs.
  std::string signature = dag.dag_id + '\n' + run.run_id;
  for (const auto& t : dag.tasks) signature += '\n' + t.id;
  auto create_all = [&]() -> Status {
    std::vector<NewTaskInstance> wanted;
    for (const auto& t : dag.tasks) wanted.push_back({t.id, t.operator_name, t.retries});
    return store_->CreateTaskInstances(run.key(), wanted).status();
  };
  if (!created_.count(signature)) {
    RETURN_NOT_OK(create_all());
    created_.insert(signature);
  }
  if (run.state == DagRunState::kQueued) {
    RETURN_NOT_OK(store_->SetDagRunState(run.key(), DagRunState::kRunning, now));
  }
  ASSIGN_OR_RETURN(auto tis, store_->ListTaskInstances(run.key()));
  if (tis.size() < dag.tasks.size()) {  // the run was recreated under the same id meanwhile
    RETURN_NOT_OK(create_all());
    ASSIGN_OR_RETURN(tis, store_->ListTaskInstances(run.key()));
  }
  std::map<std::string, TaskInstanceModel> by_id;
  StateMap states;
  bool pools_counted = false;
  for (auto& ti : tis) {
    ASSIGN_OR_RETURN(ti.state, RemoveIfGone(dag, ti));
    states[ti.task_id] = ti.state;
    by_id[ti.task_id] = ti;
  }
  for (size_t index : dag.topo_order) {
    const TaskSpec& task = dag.tasks[index];
    auto it = by_id.find(task.id);
    if (it == by_id.end()) continue;
    TaskInstanceModel& ti = it->second;
    const TaskOperator* op = FindOperator(task.operator_name);
    if (ti.state == TaskState::kRemoved) {  // back in the DAG file: scheduled afresh
      TaskInstanceUpdate u;
      u.state = TaskState::kNone;
      ASSIGN_OR_RETURN(bool back, store_->TransitionTaskInstance(ti.key(), {ti.state}, u));
      if (!back) continue;
      ti.state = states[task.id] = TaskState::kNone;
    }
    if (ti.state == TaskState::kNone) {
      TriggerDecision d = Decide(dag, task, states);
      if (d == TriggerDecision::kWait) continue;
      if (d == TriggerDecision::kRun) {
        ASSIGN_OR_RETURN(bool past_ok, PastAllowsRun(dag, run, task));
        if (!past_ok) continue;  // depends_on_past: waits for the previous run's try
      }
      TaskState to = d == TriggerDecision::kSkip             ? TaskState::kSkipped
                     : d == TriggerDecision::kUpstreamFailed ? TaskState::kUpstreamFailed
                     : op && op->settled_by_scheduler()      ? TaskState::kSuccess
                                                             : TaskState::kScheduled;
      if (to == TaskState::kScheduled) {
        TaskInstanceUpdate u;
        u.state = to;
        RETURN_NOT_OK(store_->TransitionTaskInstance(ti.key(), {TaskState::kNone}, u).status());
      } else {
        RETURN_NOT_OK(Settle(*store_, ti.key(), TaskState::kNone, to, now));
      }
      ti.state = states[task.id] = to;
    }
    bool waiting = ti.state == TaskState::kUpForRetry || ti.state == TaskState::kUpForReschedule;
    if (waiting && ti.next_attempt_at && *ti.next_attempt_at > now) {
      if (!progress.wake_at || *ti.next_attempt_at < *progress.wake_at) {
        progress.wake_at = ti.next_attempt_at;
      }
      continue;
    }
    if (!waiting && ti.state != TaskState::kScheduled) continue;
    if (!pools_.Defined(task.pool)) {
      RETURN_NOT_OK(FailUndefinedPool(task, ti, now));
      ASSIGN_OR_RETURN(auto failed, store_->GetTaskInstance(ti.key()));
      ti.state = states[task.id] = failed.state;
      continue;
    }
    ASSIGN_OR_RETURN(bool room, HasRoom(task, now, &pools_counted, &progress));
    if (!room) continue;
    RETURN_NOT_OK(Queue(dag, task, ti));
    pools_.Take(task.pool);
    ti.state = states[task.id] = TaskState::kQueued;
  }
  for (const auto& [id, s] : states) {
    if (!IsFinished(s)) return progress;
  }
  progress.finished = true;
  progress.state = FinalRunState(dag, states);
  RETURN_NOT_OK(store_->SetDagRunState(run.key(), progress.state, now));
  return progress;
}

Status RunScheduler::HandleFinished(const DagSpec& dag, const FinishedTry& f, TimePoint now) {
  // Another process held the task instance (a try started twice around a restart): its
  // owner records the outcome, and the try must not be failed on its behalf.
  if (f.exit_code == kTryNotOwned) return Status::OK();
  ASSIGN_OR_RETURN(auto ti, store_->GetTaskInstance(f.handle.key));
  bool unrecorded = ti.try_number == f.handle.try_number &&
                    (ti.state == TaskState::kRunning || ti.state == TaskState::kQueued);
  if (!unrecorded) return Status::OK();  // the try recorded its own outcome
  const TaskSpec* task = dag.FindTask(ti.task_id);
  if (!task) {  // the task left the DAG file: nothing to retry, and its run must go on
    TaskInstanceUpdate u;
    u.state = TaskState::kRemoved;
    u.end_date = now;
    u.pid = std::nullopt;
    return store_->TransitionTaskInstance(ti.key(), {ti.state}, u).status();
  }
  std::string why;
  if (f.timed_out) {
    why = "execution_timeout of " + FormatDuration(task->execution_timeout.value_or(Micros(0))) +
          " exceeded; killed";
  } else if (f.exit_code) {
    why = "the try's process ended with status " + std::to_string(*f.exit_code) +
          " before recording an outcome";
  } else {
    why = "the try's process (adopted after a restart) ended without recording an outcome";
  }
  why += "; log: " + f.log_path;
  ASSIGN_OR_RETURN(auto run, store_->GetDagRun({ti.dag_id, ti.run_id}));
  return CompleteTry(*store_, *task, ti, run.logical_date, TaskOutcome::Failed(why), now).status();
}

Status RunScheduler::RecoverOrphans(const DagSpec& dag, const DagRunModel& run, TimePoint now,
                                    bool reset_queued) {
  ASSIGN_OR_RETURN(auto tis, store_->ListTaskInstances(run.key()));
  for (const auto& ti : tis) {
    if (executor_->IsTracking(ti.key())) continue;
    const TaskSpec* task = dag.FindTask(ti.task_id);
    if (ti.state == TaskState::kRunning) {
      pid_t pid = static_cast<pid_t>(ti.pid.value_or(0));
      bool alive = pid > 0 && kill(pid, 0) == 0 && IsTryProcess(pid, ti.key());
      if (alive) {  // even of a task the file lost: its end is handled as any other
        RETURN_NOT_OK(executor_->Adopt({ti.key(), ti.try_number}, pid, ti.start_date.value_or(now),
                                       task ? task->execution_timeout : std::nullopt, ti.log_path));
        continue;
      }
      if (!task) {
        TaskInstanceUpdate u;
        u.state = TaskState::kRemoved;
        u.end_date = now;
        u.pid = std::nullopt;
        RETURN_NOT_OK(store_->TransitionTaskInstance(ti.key(), {TaskState::kRunning}, u).status());
        continue;
      }
      std::string why = "zombie: the try's process (pid " + std::to_string(pid) +
                        ") is gone without recording an outcome; log: " + ti.log_path;
      RETURN_NOT_OK(CompleteTry(*store_, *task, ti, run.logical_date, TaskOutcome::Failed(why), now)
                        .status());
    } else if (ti.state == TaskState::kQueued && reset_queued) {
      // Queued for a process that never marked itself running: queue it again.
      TaskInstanceUpdate u;
      u.state = TaskState::kScheduled;
      u.try_number = std::max(0, ti.try_number - 1);
      RETURN_NOT_OK(store_->TransitionTaskInstance(ti.key(), {TaskState::kQueued}, u).status());
    }
  }
  return Status::OK();
}

}  // namespace sluice::orchestrator
