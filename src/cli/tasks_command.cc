// `sluice tasks ...`: task instances of a run, their logs, and `tasks run`, the command the
// executor starts for each try (as `airflow tasks run --raw`).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "orchestrator/dag_actions.h"
#include "orchestrator/dag_loader.h"
#include "orchestrator/task_operator.h"
#include "orchestrator/task_runner.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

int CannotStart(const Status& st) {
  Fail(st, "tasks run");
  return kTryCannotStart;
}

int TasksRun(const TaskTryRequest& req) {
  auto ctx = OpenContext(false, false);
  if (!ctx.ok()) return CannotStart(ctx.status());
  auto model = ctx->store->GetDag(req.dag_id);
  if (!model.ok()) return CannotStart(model.status());
  DagLoadOptions options;
  options.validate_task = ValidateTaskOperator;
  auto dag = LoadDagFile(model->fileloc, options);
  if (!dag.ok()) return CannotStart(dag.status());
  return RunTaskTry(*ctx->store, *dag, req);
}

int TasksStates(const std::string& dag_id, const std::string& run_id, bool json) {
  auto ctx = OpenContext(false, false);
  if (!ctx.ok()) return Fail(ctx.status(), "tasks states");
  auto tis = ctx->store->ListTaskInstances({dag_id, run_id});
  if (!tis.ok()) return Fail(tis.status(), "tasks states");
  std::vector<nlohmann::json> rows;
  for (const auto& ti : *tis) {
    rows.push_back({ti.task_id, ToString(ti.state), ti.try_number, TimeOrNull(ti.start_date),
                    TimeOrNull(ti.end_date)});
  }
  PrintTable({"task_id", "state", "try_number", "start_date", "end_date"}, rows, json);
  return 0;
}

int TasksLogs(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
              int try_number) {
  auto ctx = OpenContext(false, false);
  if (!ctx.ok()) return Fail(ctx.status(), "tasks logs");
  auto tries = ctx->store->ListTries({dag_id, run_id, task_id});
  if (!tries.ok()) return Fail(tries.status(), "tasks logs");
  if (tries->empty()) {
    return Fail(Status::NotFound("task " + task_id + " of run " + run_id + " has not run yet"));
  }
  const TaskTryModel* chosen = &tries->back();
  for (const auto& t : *tries) {
    if (t.try_number == try_number) chosen = &t;
  }
  if (try_number > 0 && chosen->try_number != try_number) {
    return Fail(Status::NotFound("task " + task_id + " has no try " + std::to_string(try_number) +
                                 " (it has " + std::to_string(tries->size()) + ")"));
  }
  std::ifstream in(chosen->log_path, std::ios::binary);
  if (!in) return Fail(Status::NotFound("log file " + chosen->log_path + " is missing"));
  std::cout << in.rdbuf();
  return 0;
}

// Airflow's clear (dag_actions.h): the task instances go back to no state and the run to
// queued, so a scheduler runs them again.
int TasksClear(const std::string& dag_id, ClearRequest request) {
  auto ctx = OpenContext(false, true);
  if (!ctx.ok()) return Fail(ctx.status(), "tasks clear");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "tasks clear");
  auto cleared = ClearTaskInstances(*ctx->store, **dag, request);
  if (!cleared.ok()) return Fail(cleared.status(), "tasks clear");
  const char* run_id = request.run_id.c_str();
  if (cleared->empty()) {
    std::printf("nothing to clear in run %s\n", run_id);
    return 0;
  }
  for (const auto& c : *cleared) std::printf("%s\n", c.ti.task_id.c_str());
  if (request.dry_run) {
    std::printf("would clear %zu task instance(s) of run %s (dry run)\n", cleared->size(), run_id);
  } else {
    std::printf("cleared %zu task instance(s) of run %s; the run is queued again\n",
                cleared->size(), run_id);
  }
  return 0;
}

}  // namespace

void RegisterTasks(CLI::App& app, int* exit_code) {
  auto* tasks = app.add_subcommand("tasks", "Task instances of DAG runs and their logs");
  tasks->require_subcommand(1);
  auto req = std::make_shared<TaskTryRequest>();
  auto* run = tasks->add_subcommand("run", "Run one try of a task (started by the executor)");
  run->group("");  // internal: not listed in --help
  run->add_option("dag_id", req->dag_id)->required();
  run->add_option("run_id", req->run_id)->required();
  run->add_option("task_id", req->task_id)->required();
  run->add_option("--try", req->try_number)->required();
  run->add_option("--log", req->log_path);
  run->callback([req, exit_code] { *exit_code = TasksRun(*req); });

  struct Args {
    std::string dag_id, run_id, task_id, output = "text";
    int try_number = 0;
  };
  auto a = std::make_shared<Args>();
  auto* states = tasks->add_subcommand("states", "The task instances of a run");
  states->add_option("dag_id", a->dag_id)->required();
  states->add_option("run_id", a->run_id)->required();
  states->add_option("--output", a->output)->check(CLI::IsMember({"text", "json"}));
  states->callback(
      [a, exit_code] { *exit_code = TasksStates(a->dag_id, a->run_id, a->output == "json"); });
  auto clear_request = std::make_shared<ClearRequest>();
  auto* clear = tasks->add_subcommand("clear", "Run a run's tasks again (all, or --task ...)");
  clear->add_option("dag_id", a->dag_id)->required();
  clear->add_option("run_id", clear_request->run_id)->required();
  clear->add_option("--task", clear_request->task_ids, "Only these task ids");
  clear->add_flag("--upstream", clear_request->include_upstream,
                  "With --task: also the tasks they depend on");
  clear->add_flag("--downstream", clear_request->include_downstream,
                  "With --task: also the tasks that depend on them");
  clear->add_flag("--only-failed", clear_request->only_failed,
                  "Only failed and upstream_failed task instances");
  clear->add_flag("--dry-run", clear_request->dry_run,
                  "List what would be cleared, change nothing");
  clear->callback(
      [a, clear_request, exit_code] { *exit_code = TasksClear(a->dag_id, *clear_request); });
  auto* logs = tasks->add_subcommand("logs", "Print a task try's log (default: the last try)");
  logs->add_option("dag_id", a->dag_id)->required();
  logs->add_option("run_id", a->run_id)->required();
  logs->add_option("task_id", a->task_id)->required();
  logs->add_option("--try", a->try_number);
  logs->callback(
      [a, exit_code] { *exit_code = TasksLogs(a->dag_id, a->run_id, a->task_id, a->try_number); });
}

}  // namespace sluice::cli
