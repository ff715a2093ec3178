#include "orchestrator/task_runner.h"

#include <unistd.h>

#include <cstdio>
#include <thread>

#include "orchestrator/job_heartbeat.h"
#include "orchestrator/try_completion.h"

namespace sluice::orchestrator {

namespace {

void Say(const std::string& line) {
  std::fprintf(stderr, "%s sluice: %s\n", FormatIso8601(Now()).c_str(), line.c_str());
  std::fflush(stderr);
}

TemplateContext MakeTemplates(MetadataStore& store, const DagSpec& dag, const DagRunModel& run,
                              const TaskTryRequest& req) {
  TemplateRun tr;
  tr.dag_id = dag.dag_id;
  tr.task_id = req.task_id;
  tr.run_id = run.run_id;
  tr.logical_date = run.logical_date;
  tr.data_interval_start = run.data_interval_start.value_or(run.logical_date);
  tr.data_interval_end = run.data_interval_end.value_or(run.logical_date);
  tr.params = dag.params;
  tr.conf = run.conf;
  tr.try_number = req.try_number;
  TemplateContext ctx;
  ctx.names = StandardTemplateNames(tr);
  ctx.variable = [&store](std::string_view name) -> Result<std::optional<std::string>> {
    auto v = store.GetVariable(name);
    if (v.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    if (!v.ok()) return v.status();
    return std::optional<std::string>(v->value);
  };
  std::string dag_id = dag.dag_id, run_id = run.run_id;
  ctx.xcom = [&store, dag_id, run_id](
                 std::string_view task_id,
                 std::string_view key) -> Result<std::optional<nlohmann::json>> {
    auto x = store.PullXCom({dag_id, run_id, std::string(task_id)}, key);
    if (x.status().code() == StatusCode::kNotFound) return std::optional<nlohmann::json>();
    if (!x.ok()) return x.status();
    return std::optional<nlohmann::json>(x->value);
  };
  return ctx;
}

// A sensor: pokes until its condition holds (poke mode), or once (reschedule mode); past
// its timeout it fails, or skips with soft_fail.
TaskOutcome RunSensor(const TaskOperator& op, const TryContext& ctx) {
  const TaskSpec& task = *ctx.task;
  for (;;) {
    auto done = op.Poke(ctx);
    if (!done.ok()) return TaskOutcome::Failed(done.status().message());
    if (*done) return TaskOutcome::Success();
    TimePoint now = Now();
    if (now - ctx.first_started_at >= task.timeout) {
      std::string why = "sensor timed out after " + FormatDuration(task.timeout);
      if (task.soft_fail) return {TaskOutcome::Kind::kSkipped, why + " (soft_fail: skipped)", {}};
      return TaskOutcome::Failed(why);
    }
    if (task.mode == SensorMode::kReschedule) {
      return {TaskOutcome::Kind::kReschedule,
              "not yet; poking again in " + FormatDuration(task.poke_interval),
              {}};
    }
    Say("poke: not yet; next poke in " + FormatDuration(task.poke_interval));
    std::this_thread::sleep_for(task.poke_interval);
  }
}

}  // namespace

int RunTaskTry(MetadataStore& store, const DagSpec& dag, const TaskTryRequest& req) {
  const TaskSpec* task = dag.FindTask(req.task_id);
  const TaskOperator* op = task ? FindOperator(task->operator_name) : nullptr;
  auto run = store.GetDagRun({req.dag_id, req.run_id});
  auto ti = store.GetTaskInstance({req.dag_id, req.run_id, req.task_id});
  if (!task || !op || !run.ok() || !ti.ok()) {
    Say("cannot start: " + (!task       ? "no task " + req.task_id + " in the DAG file"
                            : !op       ? "unknown operator " + task->operator_name
                            : !run.ok() ? run.status().message()
                                        : ti.status().message()));
    return kTryCannotStart;
  }
  TimePoint start = Now();
  TaskInstanceUpdate running;
  running.state = TaskState::kRunning;
  running.pid = static_cast<int64_t>(getpid());
  running.hostname = Hostname();
  running.log_path = req.log_path;
  if (!ti->start_date || ti->state != TaskState::kUpForReschedule) running.start_date = start;
  auto owned = store.TransitionTaskInstance(ti->key(), {TaskState::kQueued}, running);
  if (!owned.ok() || !*owned || ti->try_number != req.try_number) {
    Say("try " + std::to_string(req.try_number) + " of " + req.task_id +
        " is not queued for this process any more; leaving it");
    return kTryNotOwned;
  }
  TaskTryModel attempt;
  attempt.dag_id = req.dag_id;
  attempt.run_id = req.run_id;
  attempt.task_id = req.task_id;
  attempt.try_number = req.try_number;
  attempt.start_date = start;
  attempt.pid = static_cast<int64_t>(getpid());
  attempt.hostname = *running.hostname;
  attempt.log_path = req.log_path;
  if (Status st = store.StartTry(attempt); !st.ok()) Say("recording the try: " + st.message());
  TimePoint first_start = start;
  if (auto tries = store.ListTries(ti->key()); tries.ok()) {
    for (const auto& t : *tries) {
      if (t.try_number == req.try_number && t.start_date) first_start = *t.start_date;
    }
  }

  Say("try " + std::to_string(req.try_number) + " of task " + req.task_id + " (" +
      task->operator_name + "), run " + req.run_id + ", dag " + req.dag_id + ", pid " +
      std::to_string(getpid()));
  TemplateContext templates = MakeTemplates(store, dag, *run, req);
  TryContext ctx{&dag, task, &templates, req.try_number, first_start, &store, req.run_id};
  TaskOutcome outcome = op->is_sensor() ? RunSensor(*op, ctx) : op->Execute(ctx);

  auto fresh = store.GetTaskInstance(ti->key());
  if (!fresh.ok()) {
    Say("reading the task instance back: " + fresh.status().message());
    return kTryCannotStart;
  }
  auto applied = CompleteTry(store, *task, *fresh, run->logical_date, outcome, Now());
  TaskState state = StateAfter(*fresh, outcome);
  if (!applied.ok()) {
    Say("recording the outcome: " + applied.status().message());
    return kTryCannotStart;
  }
  Say(std::string(*applied ? "" : "(not recorded: moved meanwhile) ") + "outcome: " +
      std::string(ToString(state)) + (outcome.message.empty() ? "" : ": " + outcome.message));
  return *applied ? kTryRecorded : kTryNotOwned;
}

}  // namespace sluice::orchestrator
