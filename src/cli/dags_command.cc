// `sluice dags ...` (design.md §9): the DAGs of the dags folder, their runs and schedules.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "common/cron.h"
#include "orchestrator/dag_actions.h"
#include "orchestrator/dag_test.h"
#include "orchestrator/scheduler.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

int DagsList(bool json) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags list");
  std::vector<nlohmann::json> rows;
  for (const auto& f : ctx->dags->Files()) {
    if (!f.error.ok()) {  // shown, as Airflow shows import errors, never hiding the others
      rows.push_back({nullptr, f.path, nullptr, nullptr, f.error.message()});
      continue;
    }
    auto model = ctx->store->GetDag(f.dag->dag_id);
    bool paused = model.ok() && model->is_paused;
    rows.push_back({f.dag->dag_id, f.path, paused, f.dag->timetable.text(), nullptr});
  }
  PrintTable({"dag_id", "fileloc", "is_paused", "schedule", "import_error"}, rows, json);
  return 0;
}

int DagsShow(const std::string& dag_id, bool json) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags show");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "dags show");
  std::vector<nlohmann::json> rows;
  for (size_t i : (*dag)->topo_order) {
    const TaskSpec& t = (*dag)->tasks[i];
    rows.push_back({t.id, t.operator_name, t.upstream, TriggerRuleName(t.trigger_rule),
                    t.retries, t.teardown_of ? nlohmann::json(*t.teardown_of) : nullptr});
  }
  PrintTable({"task_id", "operator", "upstream", "trigger_rule", "retries", "teardown_of"}, rows,
             json);
  return 0;
}

int DagsPause(const std::string& dag_id, bool paused) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), paused ? "dags pause" : "dags unpause");
  if (Status st = ctx->store->SetDagPaused(dag_id, paused); !st.ok()) return Fail(st, "dags pause");
  std::printf("%s: %s\n", dag_id.c_str(), paused ? "paused" : "unpaused");
  return 0;
}

Result<nlohmann::json> ParseConf(const std::string& conf) {
  if (conf.empty()) return nlohmann::json::object();
  try {
    auto j = nlohmann::json::parse(conf);
    if (!j.is_object()) return Status::InvalidArgument("--conf must be a JSON object");
    return j;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("--conf is not JSON: ") + e.what());
  }
}

int DagsTest(const std::string& dag_id, const std::string& date, const std::string& conf) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags test");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "dags test");
  DagTestOptions options;
  if (date.empty()) {
    options.logical_date = Now();
  } else {
    auto t = ParseTimePoint(date, (*dag)->timezone);
    if (!t.ok()) return Fail(t.status(), "dags test");
    options.logical_date = *t;
  }
  auto parsed = ParseConf(conf);
  if (!parsed.ok()) return Fail(parsed.status(), "dags test");
  options.conf = *parsed;
  options.argv_prefix = SelfArgv();
  // Other DAGs' tries count in the pools this run uses.
  options.find_dag = [&ctx](const std::string& id) { return ctx->dags->FindDag(id).get(); };
  options.report = [](const std::string& line) {
    std::printf("%s %s\n", FormatIso8601(Now()).c_str(), line.c_str());
    std::fflush(stdout);
  };
  auto run = RunDagTest(ctx->home, *ctx->store, **dag, options);
  if (!run.ok()) return Fail(run.status(), "dags test");
  std::printf("run %s of %s: %s\n", run->run_id.c_str(), dag_id.c_str(),
              std::string(ToString(run->state)).c_str());
  return run->state == DagRunState::kSuccess ? 0 : 1;
}

int DagsNextRuns(const std::string& dag_id, int count, const std::string& after) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags next-runs");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "dags next-runs");
  TimePoint from = Now();
  if (!after.empty()) {
    auto t = ParseTimePoint(after, "UTC");
    if (!t.ok()) return Fail(t.status(), "dags next-runs --after");
    from = *t;
  }
  for (TimePoint t : (*dag)->timetable.NextTicks(from, count)) {
    std::printf("%s\n", FormatIso8601(t).c_str());
  }
  return 0;
}

int DagsRuns(const std::string& dag_id, bool json) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "dags runs");
  DagRunQuery q;
  q.dag_id = dag_id;
  auto runs = ctx->store->ListDagRuns(q);
  if (!runs.ok()) return Fail(runs.status(), "dags runs");
  std::vector<nlohmann::json> rows;
  for (const auto& r : *runs) {
    rows.push_back({r.run_id, ToString(r.state), FormatIso8601(r.logical_date),
                    ToString(r.run_type), TimeOrNull(r.start_date), TimeOrNull(r.end_date)});
  }
  PrintTable({"run_id", "state", "logical_date", "run_type", "start_date", "end_date"}, rows, json);
  return 0;
}

int DagsTrigger(const std::string& dag_id, const std::string& conf, const std::string& run_id,
                const std::string& date) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags trigger");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "dags trigger");
  auto parsed = ParseConf(conf);
  if (!parsed.ok()) return Fail(parsed.status(), "dags trigger");
  TriggerRequest request;
  request.run_id = run_id;
  request.conf = *parsed;
  if (!date.empty()) {
    auto t = ParseTimePoint(date, (*dag)->timezone);
    if (!t.ok()) return Fail(t.status(), "dags trigger --logical-date");
    request.logical_date = *t;
  }
  auto created = TriggerDagRun(*ctx->store, **dag, request);
  if (!created.ok()) return Fail(created.status(), "dags trigger");
  std::printf("queued run %s of %s (logical date %s); a running scheduler starts it\n",
              created->run_id.c_str(), dag_id.c_str(),
              FormatIso8601(created->logical_date).c_str());
  return 0;
}

// Airflow's backfill: creates the runs of every interval starting in [from, to] that does not
// exist yet, then runs them in the foreground; exit 0 only if all succeeded.
int DagsBackfill(const std::string& dag_id, const std::string& from, const std::string& to) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "dags backfill");
  auto dag = FindDag(*ctx, dag_id);
  if (!dag.ok()) return Fail(dag.status(), "dags backfill");
  auto start = ParseTimePoint(from, (*dag)->timezone);
  auto end = ParseTimePoint(to, (*dag)->timezone);
  if (!start.ok()) return Fail(start.status(), "dags backfill --from");
  if (!end.ok()) return Fail(end.status(), "dags backfill --to");
  Scheduler::Options options;
  options.argv_prefix = SelfArgv();
  options.report = [](const std::string& line) {
    std::printf("%s %s\n", FormatIso8601(Now()).c_str(), line.c_str());
    std::fflush(stdout);
  };
  for (const auto& interval : (*dag)->timetable.IntervalsBetween(*start, *end)) {
    DagRunModel run;
    run.dag_id = dag_id;
    run.run_id = "backfill__" + FormatIso8601(interval.start);
    run.run_type = DagRunType::kBackfill;
    run.logical_date = interval.start;
    run.data_interval_start = interval.start;
    run.data_interval_end = interval.end;
    auto created = ctx->store->CreateDagRun(run);
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
      return Fail(created.status(), "dags backfill");
    }
    if (created.ok()) options.only_runs.insert({dag_id, run.run_id});
  }
  if (options.only_runs.empty()) {
    std::printf("nothing to backfill: every interval in the range has a run\n");
    return 0;
  }
  Scheduler backfill(ctx->home, ctx->store.get(), ctx->dags.get(), options);
  std::atomic<bool> stop{false};
  if (Status st = backfill.Run(stop); !st.ok()) return Fail(st, "dags backfill");
  int failed = 0;
  for (const auto& [d, r] : options.only_runs) {
    auto run = ctx->store->GetDagRun({d, r});
    failed += !run.ok() || run->state != DagRunState::kSuccess;
  }
  std::printf("backfill of %s: %zu runs, %d not successful\n", dag_id.c_str(),
              options.only_runs.size(), failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

void RegisterDags(CLI::App& app, int* exit_code) {
  auto* dags = app.add_subcommand("dags", "DAGs of the dags folder, their runs and schedules");
  dags->require_subcommand(1);
  struct Args {
    std::string dag_id, date, conf, after, run_id, from, to, output = "text";
    int count = 5;
  };
  auto a = std::make_shared<Args>();
  auto add_output = [a](CLI::App* cmd) {
    cmd->add_option("--output", a->output, "Table format")->check(CLI::IsMember({"text", "json"}));
  };
  auto* list = dags->add_subcommand("list", "List the DAGs, with the files that failed to load");
  add_output(list);
  list->callback([a, exit_code] { *exit_code = DagsList(a->output == "json"); });

  auto* show = dags->add_subcommand("show", "Show a DAG's tasks in dependency order");
  show->add_option("dag_id", a->dag_id)->required();
  add_output(show);
  show->callback([a, exit_code] { *exit_code = DagsShow(a->dag_id, a->output == "json"); });

  for (bool paused : {true, false}) {
    auto* cmd = dags->add_subcommand(paused ? "pause" : "unpause",
                                     paused ? "Stop scheduling a DAG" : "Resume scheduling a DAG");
    cmd->add_option("dag_id", a->dag_id)->required();
    cmd->callback([a, paused, exit_code] { *exit_code = DagsPause(a->dag_id, paused); });
  }

  auto* test = dags->add_subcommand(
      "test", "Run one whole DAG run in the foreground; exit 0 only if it succeeded");
  test->add_option("dag_id", a->dag_id)->required();
  test->add_option("logical_date", a->date, "The run's logical date (default: now)");
  test->add_option("--conf", a->conf, "The run's conf, a JSON object");
  test->callback([a, exit_code] { *exit_code = DagsTest(a->dag_id, a->date, a->conf); });

  auto* next = dags->add_subcommand(
      "next-runs", "The schedule's next ticks strictly after --after, ISO 8601 UTC");
  next->add_option("dag_id", a->dag_id)->required();
  next->add_option("--count", a->count, "How many")->check(CLI::PositiveNumber);
  next->add_option("--after", a->after, "A date or date-time (default: now)");
  next->callback([a, exit_code] { *exit_code = DagsNextRuns(a->dag_id, a->count, a->after); });

  auto* trigger = dags->add_subcommand("trigger", "Queue a manual run for the scheduler");
  trigger->add_option("dag_id", a->dag_id)->required();
  trigger->add_option("--conf", a->conf, "The run's conf, a JSON object");
  trigger->add_option("--run-id", a->run_id, "Default: manual__<logical date>");
  trigger->add_option("--logical-date", a->date, "Default: now");
  trigger->callback([a, exit_code] {
    *exit_code = DagsTrigger(a->dag_id, a->conf, a->run_id, a->date);
  });

  auto* backfill = dags->add_subcommand("backfill", "Run every scheduled interval in a range");
  backfill->add_option("dag_id", a->dag_id)->required();
  backfill->add_option("--from", a->from, "First logical date")->required();
  backfill->add_option("--to", a->to, "Last logical date")->required();
  backfill->callback([a, exit_code] { *exit_code = DagsBackfill(a->dag_id, a->from, a->to); });

  auto* runs = dags->add_subcommand("runs", "A DAG's runs with their states, newest first");
  runs->add_option("dag_id", a->dag_id)->required();
  add_output(runs);
  runs->callback([a, exit_code] { *exit_code = DagsRuns(a->dag_id, a->output == "json"); });
}

}  // namespace sluice::cli
