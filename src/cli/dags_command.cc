// `sluice dags ...` (design.md §9): the DAGs of the dags folder, their runs and schedules.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "common/cron.h"
#include "orchestrator/dag_test.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

nlohmann::json TimeOrNull(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatIso8601(*t)) : nlohmann::json(nullptr);
}

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
  if (!conf.empty()) {
    try {
      options.conf = nlohmann::json::parse(conf);
    } catch (const std::exception& e) {
      return Fail(Status::InvalidArgument(std::string("--conf is not JSON: ") + e.what()));
    }
  }
  options.argv_prefix = SelfArgv();
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

}  // namespace

void RegisterDags(CLI::App& app, int* exit_code) {
  auto* dags = app.add_subcommand("dags", "DAGs of the dags folder, their runs and schedules");
  dags->require_subcommand(1);
  struct Args {
    std::string dag_id, date, conf, after, output = "text";
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

  auto* runs = dags->add_subcommand("runs", "A DAG's runs with their states, newest first");
  runs->add_option("dag_id", a->dag_id)->required();
  add_output(runs);
  runs->callback([a, exit_code] { *exit_code = DagsRuns(a->dag_id, a->output == "json"); });
}

}  // namespace sluice::cli
