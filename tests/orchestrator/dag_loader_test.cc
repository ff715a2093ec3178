#include "orchestrator/dag_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sluice::orchestrator {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPath[] = "dags/t.yml";

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/orchestrator/testdata/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DagSpec Parse(std::string_view text, const DagLoadOptions& options = {}) {
  Result<DagSpec> r = ParseDagFile(text, kPath, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : DagSpec{};
}

std::string Error(std::string_view text, const DagLoadOptions& options = {}) {
  Result<DagSpec> r = ParseDagFile(text, kPath, options);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "<parsed>";
  EXPECT_EQ(r.status().code(), StatusCode::kParseError) << r.status().ToString();
  return r.status().message();
}

// A valid DAG header; tasks follow from line 3.
std::string Dag(const std::string& tasks) { return "dag_id: t\ntasks:\n" + tasks; }

TimePoint At(const char* text) { return ParseTimePoint(text).ValueOr(TimePoint{}); }

TEST(DagLoaderTest, SalaryDagOfTheDesignParses) {
  DagLoadOptions options;
  options.validate_task = KnownOperators(
      {"empty", "cluster_create", "cluster_add_steps", "cluster_step_sensor", "cluster_terminate"});
  DagSpec dag = Parse(ReadTestData("salary_pipeline.yml"), options);
  EXPECT_EQ(dag.dag_id, "salary_pipeline");
  EXPECT_EQ(dag.description, "Average salary per feature on an ephemeral cluster");
  EXPECT_EQ(dag.timetable.text(), "@daily");
  EXPECT_FALSE(dag.timetable.is_manual_only());
  ASSERT_TRUE(dag.start_date.has_value());
  EXPECT_EQ(*dag.start_date, At("2026-11-01T00:00:00Z"));
  EXPECT_FALSE(dag.end_date.has_value());
  EXPECT_EQ(dag.timezone, "UTC");
  EXPECT_FALSE(dag.catchup);
  EXPECT_EQ(dag.max_active_runs, 1);
  EXPECT_EQ(dag.tags, std::vector<std::string>{"salary"});
  EXPECT_EQ(dag.params["bucket"], "file:///var/lib/sluice/warehouse/salary");
  EXPECT_EQ(dag.file, kPath);
  ASSERT_EQ(dag.tasks.size(), 6u);

  const TaskSpec* create = dag.FindTask("create_cluster");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->operator_name, "cluster_create");
  EXPECT_TRUE(create->is_setup);
  EXPECT_EQ(create->retries, 1);
  EXPECT_EQ(create->retry_delay, std::chrono::seconds(30));
  EXPECT_EQ(create->execution_timeout, std::chrono::hours(2));
  EXPECT_EQ(create->defaulted,
            (std::set<std::string>{"retries", "retry_delay", "execution_timeout"}));
  EXPECT_EQ(create->downstream, (std::vector<std::string>{"submit_step", "terminate_cluster"}));
  const RawField* cluster = create->Field("cluster");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->value["Instances"]["InstanceGroups"][1]["InstanceCount"], 2);
  EXPECT_EQ(cluster->value["Instances"]["KeepJobFlowAliveWhenNoSteps"], true);
  EXPECT_EQ(cluster->value["AutoTerminationPolicy"]["IdleTimeout"], 600);
  EXPECT_EQ(cluster->value["LogUri"], "{{ params.bucket }}/logs/");
  EXPECT_EQ(cluster->pos.ToString(), "dags/t.yml:19:7");
  EXPECT_EQ(cluster->At("/LogUri").ToString(), "dags/t.yml:25:15");
  EXPECT_EQ(cluster->At("/Instances/InstanceGroups/1/InstanceRole").ToString(), "dags/t.yml:22:51");

  const TaskSpec* submit = dag.FindTask("submit_step");
  ASSERT_NE(submit, nullptr);
  EXPECT_EQ(submit->Field("cluster_id")->value, "{{ xcom('create_cluster') }}");
  const RawField* steps = submit->Field("steps");
  ASSERT_NE(steps, nullptr);
  EXPECT_EQ(steps->value[0]["HadoopJarStep"]["Args"][3], "{{ params.bucket }}/etl/avg_salary.yml");
  EXPECT_EQ(steps->At("/0/HadoopJarStep/Args/3").ToString(), "dags/t.yml:35:36");

  const TaskSpec* watch = dag.FindTask("watch_step");
  ASSERT_NE(watch, nullptr);
  EXPECT_EQ(watch->poke_interval, std::chrono::seconds(1));
  EXPECT_EQ(watch->timeout, std::chrono::hours(2));
  EXPECT_EQ(watch->mode, SensorMode::kPoke);

  const TaskSpec* terminate = dag.FindTask("terminate_cluster");
  ASSERT_NE(terminate, nullptr);
  EXPECT_EQ(terminate->teardown_of, "create_cluster");
  EXPECT_EQ(terminate->trigger_rule, TriggerRule::kAllDoneSetupSuccess);
  EXPECT_EQ(terminate->upstream, (std::vector<std::string>{"watch_step", "create_cluster"}));
  EXPECT_EQ(dag.FindTask("end_workflow")->trigger_rule, TriggerRule::kAllSuccess);

  ASSERT_EQ(dag.topo_order.size(), dag.tasks.size());
  std::vector<std::string> order;
  for (size_t i : dag.topo_order) order.push_back(dag.tasks[i].id);
  EXPECT_EQ(order, (std::vector<std::string>{"begin_workflow", "create_cluster", "submit_step",
                                             "watch_step", "terminate_cluster", "end_workflow"}));
}

TEST(DagLoaderTest, DefaultsOfAMinimalDag) {
  DagSpec dag = Parse(Dag("  - id: a\n    operator: empty\n"));
  EXPECT_TRUE(dag.timetable.is_manual_only());
  EXPECT_FALSE(dag.start_date.has_value());
  EXPECT_EQ(dag.max_active_runs, 16);
  EXPECT_FALSE(dag.catchup);
  const TaskSpec& a = dag.tasks[0];
  EXPECT_EQ(a.trigger_rule, TriggerRule::kAllSuccess);
  EXPECT_EQ(a.retries, 0);
  EXPECT_EQ(a.retry_delay, std::chrono::minutes(5));
  EXPECT_FALSE(a.execution_timeout.has_value());
  EXPECT_FALSE(a.max_retry_delay.has_value());
  EXPECT_EQ(a.pool, "default_pool");
  EXPECT_EQ(a.pos.ToString(), "dags/t.yml:3:5");
  EXPECT_TRUE(a.fields.empty());
  EXPECT_TRUE(a.defaulted.empty());
}

TEST(DagLoaderTest, DefaultArgsApplyOnlyWhereTheTaskDoesNotSetTheKey) {
  DagSpec dag = Parse(
      "dag_id: d\n"
      "default_args: {retries: 2, trigger_rule: all_done, env: {A: '1'}, mode: reschedule,\n"
      "               depends_on_past: true, max_retry_delay: 10m}\n"
      "tasks:\n"
      "  - {id: a, operator: bash, bash: 'echo {{ ds }}'}\n"
      "  - {id: b, operator: bash, retries: 0, trigger_rule: one_failed, env: {B: x},\n"
      "     upstream: a, retry_exponential_backoff: true}\n");
  const TaskSpec& a = *dag.FindTask("a");
  const TaskSpec& b = *dag.FindTask("b");
  EXPECT_EQ(a.retries, 2);
  EXPECT_EQ(b.retries, 0);
  EXPECT_EQ(a.trigger_rule, TriggerRule::kAllDone);
  EXPECT_EQ(b.trigger_rule, TriggerRule::kOneFailed);
  EXPECT_EQ(a.Field("env")->value, (nlohmann::json{{"A", "1"}}));
  EXPECT_TRUE(a.Field("env")->from_default_args);
  EXPECT_EQ(b.Field("env")->value, (nlohmann::json{{"B", "x"}}));
  EXPECT_FALSE(b.Field("env")->from_default_args);
  EXPECT_EQ(a.mode, SensorMode::kReschedule);
  EXPECT_TRUE(b.depends_on_past);
  EXPECT_EQ(b.max_retry_delay, std::chrono::minutes(10));
  EXPECT_TRUE(b.retry_exponential_backoff);
  EXPECT_EQ(b.upstream, std::vector<std::string>{"a"});
  EXPECT_TRUE(a.defaulted.count("retries"));
  EXPECT_FALSE(b.defaulted.count("retries"));
  // Where a defaulted key points: its value in default_args.
  EXPECT_EQ(a.ErrorAt("env", "x").message(), "dags/t.yml:2:57: task 'a': x");
  EXPECT_EQ(dag.default_args["retries"], 2);
}

TEST(DagLoaderTest, ABadDefaultIsReportedWhereItIsWritten) {
  EXPECT_THAT(Error("dag_id: d\n"
                    "default_args: {retry_delay: soon}\n"
                    "tasks: [{id: a, operator: empty}]\n"),
              StartsWith("dags/t.yml:2:29: task 'a': retry_delay: "));
  EXPECT_THAT(Error("dag_id: d\ndefault_args: {id: x}\ntasks: [{id: a, operator: empty}]\n"),
              StartsWith("dags/t.yml:2:16: default_args: unknown key 'id' (allowed: "
                         "trigger_rule, retries, "));
}

TEST(DagLoaderTest, OperatorFieldsKeepYamlTypes) {
  DagSpec dag =
      Parse(Dag("  - id: a\n"
                "    operator: command\n"
                "    command: [sleep, 1, \"2\", 1.5, true, null, '007', x:y]\n"
                "    cwd: /tmp\n"
                "    vars: {n: 10, s: 'ten'}\n"));
  const nlohmann::json& cmd = dag.tasks[0].Field("command")->value;
  EXPECT_EQ(cmd, nlohmann::json::parse(R"(["sleep", 1, "2", 1.5, true, null, "007", "x:y"])"));
  EXPECT_EQ(dag.tasks[0].Field("cwd")->value, "/tmp");
  EXPECT_EQ(dag.tasks[0].Field("vars")->value["n"], 10);
}

TEST(DagLoaderTest, ScheduleTimezoneAndDates) {
  DagSpec dag = Parse(
      "dag_id: z\n"
      "schedule: '30 6 * * MON-FRI'\n"
      "timezone: Europe/Paris\n"
      "start_date: 2026-11-01\n"
      "end_date: 2026-12-01T12:00\n"
      "catchup: true\n"
      "tasks: [{id: a, operator: empty}]\n");
  EXPECT_EQ(dag.timetable.text(), "30 6 * * MON-FRI");
  EXPECT_EQ(dag.timezone, "Europe/Paris");
  EXPECT_EQ(*dag.start_date, At("2026-10-31T23:00:00Z"));
  EXPECT_EQ(*dag.end_date, At("2026-12-01T11:00:00Z"));
  EXPECT_TRUE(dag.catchup);
  EXPECT_TRUE(Parse("dag_id: n\nschedule: null\ntasks: [{id: a, operator: empty}]\n")
                  .timetable.is_manual_only());
}

struct ErrorCase {
  const char* name;
  std::string text;
  const char* expected;  // the whole message, or its start when it ends in "..."
};

TEST(DagLoaderTest, ValidationErrorsNameFileLineAndColumn) {
  const ErrorCase cases[] = {
      {"yaml syntax", "dag_id: a\ntasks: [{id: b\n",
       "dags/t.yml:3:1: YAML syntax error: end of map flow not found"},
      {"unknown dag key", "dag_id: a\nschedule_interval: '@daily'\ntasks: []\n",
       "dags/t.yml:2:1: DAG: unknown key 'schedule_interval' (allowed: dag_id, description, "
       "schedule, start_date, end_date, timezone, catchup, max_active_runs, tags, params, "
       "default_args, tasks)"},
      {"unknown task key", Dag("  - id: a\n    operator: empty\n    retry: 3\n"),
       "dags/t.yml:5:5: task 'a': unknown key 'retry' (allowed: id, operator, upstream, "
       "trigger_rule, retries, ..."},
      {"bad duration", Dag("  - id: a\n    operator: empty\n    retry_delay: 5 minutes\n"),
       "dags/t.yml:5:18: task 'a': retry_delay: \"5 minutes\"..."},
      {"bad sensor duration", Dag("  - id: a\n    operator: s\n    timeout: -1h\n"),
       "dags/t.yml:5:14: task 'a': timeout: ..."},
      {"bad date", "dag_id: a\nschedule: '@daily'\nstart_date: 2026-13-01\ntasks: []\n",
       "dags/t.yml:3:13: start_date: ..."},
      {"unknown trigger rule",
       Dag("  - id: a\n    operator: empty\n    trigger_rule: all_sucess\n"),
       "dags/t.yml:5:19: task 'a': unknown trigger rule 'all_sucess' (expected one of: "
       "all_success, all_failed, all_done, all_skipped, one_success, one_failed, one_done, "
       "none_failed, none_failed_min_one_success, none_skipped, always)"},
      {"duplicate task id",
       Dag("  - id: a\n    operator: empty\n  - id: b\n    operator: empty\n"
           "  - id: a\n    operator: empty\n"),
       "dags/t.yml:7:9: duplicate task id 'a' (first at line 3)"},
      {"unknown upstream",
       Dag("  - id: a\n    operator: empty\n  - id: b\n    operator: empty\n"
           "    upstream: [a, c]\n"),
       "dags/t.yml:7:19: task 'b': unknown upstream task 'c' (tasks: a, b)"},
      {"upstream itself", Dag("  - {id: a, operator: empty, upstream: [a]}\n"),
       "dags/t.yml:3:41: task 'a' lists itself upstream"},
      {"unknown teardown_of", Dag("  - id: a\n    operator: empty\n    teardown_of: setup\n"),
       "dags/t.yml:5:18: task 'a': teardown_of names an unknown task 'setup' (tasks: a)"},
      {"bad cron", "dag_id: a\nstart_date: 2026-01-01\nschedule: '0 0 32 * *'\ntasks: []\n",
       "dags/t.yml:3:11: schedule: cron expression \"0 0 32 * *\": day-of-month..."},
      {"unknown preset",
       "dag_id: a\nstart_date: 2026-01-01\nschedule: '@fortnightly'\n"
       "tasks: []\n",
       "dags/t.yml:3:11: schedule: ..."},
      {"unknown time zone", "dag_id: a\ntimezone: Mars/Olympus\ntasks: []\n",
       "dags/t.yml:2:11: timezone: ..."},
      {"bad dag_id", "dag_id: 'salary pipeline'\ntasks: []\n",
       "dags/t.yml:1:9: dag_id 'salary pipeline' may only have letters, digits, '_', '.' and '-'"},
      {"bad task id", Dag("  - id: a/b\n    operator: empty\n"),
       "dags/t.yml:3:9: task id 'a/b' may only have letters, digits, '_', '.' and '-'"},
      {"missing dag_id", "tasks: []\n", "dags/t.yml:1:1: missing the required key 'dag_id'"},
      {"missing tasks", "dag_id: a\n", "dags/t.yml:1:1: missing the required key 'tasks'"},
      {"empty tasks", "dag_id: a\ntasks: []\n",
       "dags/t.yml:2:8: tasks: expected a list of at least one task, found a list"},
      {"missing operator", Dag("  - id: a\n"),
       "dags/t.yml:3:5: task 'a': missing the required key 'operator'"},
      {"missing id", Dag("  - operator: empty\n"),
       "dags/t.yml:3:5: task: missing the required key 'id'"},
      {"operator not a name", Dag("  - id: a\n    operator: 'my op'\n"),
       "dags/t.yml:4:15: task 'a': operator 'my op' is not an operator name (letters, digits "
       "and '_')"},
      {"retries negative", Dag("  - id: a\n    operator: empty\n    retries: -1\n"),
       "dags/t.yml:5:14: task 'a': retries: expected at least 0, found -1"},
      {"retries not a number", Dag("  - id: a\n    operator: empty\n    retries: many\n"),
       "dags/t.yml:5:14: task 'a': retries: expected a whole number, found 'many'"},
      {"bad bool", Dag("  - id: a\n    operator: empty\n    depends_on_past: maybe\n"),
       "dags/t.yml:5:22: task 'a': depends_on_past: expected true or false, found 'maybe'"},
      {"bad mode", Dag("  - id: a\n    operator: s\n    mode: push\n"),
       "dags/t.yml:5:11: task 'a': mode: expected poke or reschedule, found 'push'"},
      {"max_active_runs zero", "dag_id: a\nmax_active_runs: 0\ntasks: []\n",
       "dags/t.yml:2:18: max_active_runs: expected at least 1, found 0"},
      {"catchup", "dag_id: a\ncatchup: sometimes\ntasks: []\n",
       "dags/t.yml:2:10: catchup: expected true or false, found 'sometimes'"},
      {"schedule without start_date", "dag_id: a\nschedule: '@daily'\ntasks: []\n",
       "dags/t.yml:2:11: schedule '@daily' needs a start_date (the first interval's start)"},
      {"end before start", "dag_id: a\nstart_date: 2026-02-01\nend_date: 2026-01-01\ntasks: []\n",
       "dags/t.yml:3:11: end_date is before start_date"},
      {"duplicate yaml key", Dag("  - id: a\n    operator: empty\n    id: b\n"),
       "dags/t.yml:5:5: task: duplicate key 'id' (first at line 3)"},
      {"task not a map", Dag("  - just_a_name\n"),
       "dags/t.yml:3:5: task: expected a map, found a string"},
      {"upstream not a list", Dag("  - id: a\n    operator: empty\n    upstream: {x: 1}\n"),
       "dags/t.yml:5:15: task 'a': upstream: expected a list of names, found a map"},
      {"params not a map", "dag_id: a\nparams: [1]\ntasks: []\n",
       "dags/t.yml:2:9: params: expected a map, found a list"},
      {"root not a map", "- a\n- b\n", "dags/t.yml:1:1: DAG: expected a map, found a list"},
      {"two documents", "dag_id: a\ntasks: []\n---\ndag_id: b\n",
       "dags/t.yml:4:1: a DAG file holds one YAML document, found 2"},
      {"empty file", "# nothing here\n",
       "dags/t.yml: the file is empty; expected a DAG (dag_id, schedule, tasks, ...)"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string message = Error(c.text);
    std::string expected = c.expected;
    if (expected.ends_with("...")) {
      EXPECT_THAT(message, StartsWith(expected.substr(0, expected.size() - 3)));
    } else {
      EXPECT_EQ(message, expected);
    }
  }
}

TEST(DagLoaderTest, TemplatesAreCheckedAtTheirExactColumn) {
  const ErrorCase cases[] = {
      {"plain", Dag("  - id: a\n    operator: bash\n    bash: echo {{ ds\n"),
       "dags/t.yml:5:16: task 'a': bash: bad template: '{{' is never closed by '}}'"},
      {"double quoted with escapes",
       Dag("  - id: a\n    operator: bash\n    bash: \"echo \\t{{ ds | upper }}\"\n"),
       "dags/t.yml:5:25: task 'a': bash: bad template: filters ('|') are not supported"},
      {"block scalar",
       Dag("  - id: a\n    operator: bash\n    bash: |\n      set -e\n      echo {{ }}\n"),
       "dags/t.yml:7:12: task 'a': bash: bad template: empty {{ }}"},
      {"nested in steps",
       Dag("  - id: a\n    operator: cluster_add_steps\n    steps:\n      - Name: x\n"
           "        Args: [a, \"b={{ params.x[ }}\"]\n"),
       "dags/t.yml:7:35: task 'a': steps[0].Args[1]: bad template: expected a name, a string or "
       "a number, found '}}'"},
      {"env value", Dag("  - id: a\n    operator: bash\n    env: {X: '{{ dss }}'}\n"),
       "dags/t.yml:5:18: task 'a': env.X: bad template: unknown name 'dss' ..."},
      {"xcom of an unknown task",
       Dag("  - id: a\n    operator: empty\n  - id: b\n    operator: cluster_terminate\n"
           "    cluster_id: \"{{ xcom('create_clustr') }}\"\n"),
       "dags/t.yml:7:26: task 'b': cluster_id: bad template: xcom(...): no task 'create_clustr' "
       "in this DAG"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string message = Error(c.text);
    std::string expected = c.expected;
    if (expected.ends_with("...")) {
      EXPECT_THAT(message, StartsWith(expected.substr(0, expected.size() - 3)));
    } else {
      EXPECT_EQ(message, expected);
    }
  }
}

TEST(DagLoaderTest, CyclesNameTheirTasksInOrder) {
  EXPECT_EQ(Error(Dag("  - {id: a, operator: empty, upstream: [c]}\n"
                      "  - {id: b, operator: empty, upstream: [a]}\n"
                      "  - {id: c, operator: empty, upstream: [b]}\n"
                      "  - {id: d, operator: empty, upstream: [c]}\n")),
            "dags/t.yml:4:41: task 'b': upstream 'a' closes a cycle: a -> b -> c -> a");
  EXPECT_EQ(Error(Dag("  - {id: x, operator: empty}\n"
                      "  - {id: a, operator: empty, upstream: [x, b]}\n"
                      "  - {id: b, operator: empty, upstream: [a]}\n")),
            "dags/t.yml:5:41: task 'b': upstream 'a' closes a cycle: a -> b -> a");
}

TEST(DagLoaderTest, TeardownRules) {
  // The teardown's implicit edge from its setup closes a cycle.
  EXPECT_EQ(Error(Dag("  - {id: s, operator: empty, upstream: [t]}\n"
                      "  - {id: t, operator: empty, teardown_of: s}\n")),
            "dags/t.yml:4:43: task 't': upstream 's' closes a cycle: s -> t -> s");
  EXPECT_EQ(Error(Dag("  - {id: s, operator: empty}\n"
                      "  - {id: t, operator: empty, teardown_of: s, trigger_rule: all_done}\n")),
            "dags/t.yml:4:60: task 't': a teardown's trigger rule is fixed (it runs once its "
            "upstream tasks are done, if its setup succeeded): remove trigger_rule");
  EXPECT_EQ(Error(Dag("  - {id: s, operator: empty, teardown_of: s}\n")),
            "dags/t.yml:3:43: task 's' cannot be its own teardown");
  EXPECT_EQ(Error(Dag("  - {id: s, operator: empty}\n"
                      "  - {id: t, operator: empty, teardown_of: s}\n"
                      "  - {id: u, operator: empty, teardown_of: t}\n")),
            "dags/t.yml:5:43: task 'u': teardown_of 't', which is itself a teardown (of 's')");
  // A trigger_rule from default_args does not count as the teardown's own.
  DagSpec dag = Parse(
      "dag_id: d\ndefault_args: {trigger_rule: none_failed}\ntasks:\n"
      "  - {id: s, operator: empty}\n"
      "  - {id: w, operator: empty, upstream: [s]}\n"
      "  - {id: t, operator: empty, upstream: [w, s], teardown_of: s}\n");
  EXPECT_EQ(dag.FindTask("t")->trigger_rule, TriggerRule::kAllDoneSetupSuccess);
  EXPECT_EQ(dag.FindTask("t")->upstream, (std::vector<std::string>{"w", "s"}));
  EXPECT_EQ(dag.FindTask("w")->trigger_rule, TriggerRule::kNoneFailed);
  EXPECT_TRUE(dag.FindTask("s")->is_setup);
  EXPECT_FALSE(dag.FindTask("w")->is_setup);
}

TEST(DagLoaderTest, OperatorValidationIsTheCallersAndSeesTheWholeTask) {
  const std::string text = Dag("  - id: a\n    operator: emptty\n");
  DagLoadOptions known;
  known.validate_task = KnownOperators({"empty", "command", "bash"});
  EXPECT_EQ(Error(text, known),
            "dags/t.yml:4:15: task 'a': unknown operator 'emptty' (known: bash, command, empty)");
  EXPECT_TRUE(ParseDagFile(text, kPath).ok());  // no validator: any operator name

  DagLoadOptions custom;
  std::vector<std::string> seen;
  custom.validate_task = [&](const TaskSpec& task) {
    seen.push_back(task.id);
    if (task.operator_name == "command" && !task.Field("command")) {
      return task.ErrorAt("operator", "operator command needs 'command'");
    }
    return Status::OK();
  };
  EXPECT_EQ(Error(Dag("  - {id: a, operator: empty}\n  - {id: b, operator: command}\n"), custom),
            "dags/t.yml:4:23: task 'b': operator command needs 'command'");
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(DagLoaderTest, LoadDagFileReadsThroughTheObjectStore) {
  Result<DagSpec> missing = LoadDagFile("/nonexistent-sluice-dir/x.yml");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("reading DAG file /nonexistent-sluice-dir"));
  Result<DagSpec> dag = LoadDagFile(std::string(SLUICE_SOURCE_DIR) +
                                    "/tests/orchestrator/testdata/salary_pipeline.yml");
  ASSERT_TRUE(dag.ok()) << dag.status().ToString();
  EXPECT_EQ(dag->dag_id, "salary_pipeline");
  EXPECT_THAT(dag->file, HasSubstr("testdata/salary_pipeline.yml"));
}

TEST(DagLoaderTest, TriggerRuleNamesRoundTrip) {
  for (std::string_view name :
       {"all_success", "all_failed", "all_done", "all_skipped", "one_success", "one_failed",
        "one_done", "none_failed", "none_failed_min_one_success", "none_skipped", "always"}) {
    std::optional<TriggerRule> rule = ParseTriggerRule(name);
    ASSERT_TRUE(rule.has_value()) << name;
    EXPECT_EQ(TriggerRuleName(*rule), name);
  }
  EXPECT_FALSE(ParseTriggerRule("all_done_setup_success"));
  EXPECT_EQ(TriggerRuleName(TriggerRule::kAllDoneSetupSuccess), "all_done_setup_success");
}

}  // namespace
}  // namespace sluice::orchestrator
