// Templating of task fields, Airflow's way (design.md §3): `{{ expr }}` inside strings, with
// the run's names (ds, ts, params.x, dag_run.conf.x, ...), variables (var.x) and XCom pulls
// (xcom('task'), xcom('task', key='k')[0].field). No filters and no {% %} statements.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::orchestrator {

// Grammar of what goes between {{ and }}:
//   expr     := primary accessor*
//   primary  := name | 'string' | "string" | integer | xcom '(' args ')'
//   accessor := '.' name | '[' expr ']'        (a string index reads a key, an integer an item;
//                                               negative integers count from the end)
//   args     := task [',' key] with either given as task_id= / key=
// Only `{{` is special: `{%` and `{#` are literal text (bash's ${#x} stays usable). A literal
// `{{` is written {{ '{{' }}.

// Where the values come from. `names` holds the fixed names as a JSON object (see
// StandardTemplateNames); the callbacks read variables and XComs (the scheduler wires them to
// the metadata store). A callback returns nullopt when there is no such value.
struct TemplateContext {
  nlohmann::json names = nlohmann::json::object();
  std::function<Result<std::optional<std::string>>(std::string_view name)> variable;
  std::function<Result<std::optional<nlohmann::json>>(std::string_view task_id,
                                                      std::string_view key)>
      xcom;
};

// The names a template may start with, besides xcom(...): ds, ds_nodash, ts, ts_nodash,
// logical_date, data_interval_start, data_interval_end, run_id, try_number, dag, task,
// params, dag_run, var.
const std::vector<std::string>& TemplateNames();

// What StandardTemplateNames builds the names from.
struct TemplateRun {
  std::string dag_id;
  std::string task_id;
  std::string run_id;
  TimePoint logical_date;
  TimePoint data_interval_start;
  TimePoint data_interval_end;
  nlohmann::json params = nlohmann::json::object();  // the DAG's params
  nlohmann::json conf = nlohmann::json::object();    // the run's conf (manual triggers)
  int try_number = 1;
};

// The fixed names of one task try. ds/ds_nodash are the logical date's UTC day; ts,
// logical_date and the interval bounds are ISO 8601 ("2026-11-01T00:00:00+00:00");
// dag = {dag_id}, task = {task_id}, dag_run = {run_id, conf, logical_date,
// data_interval_start, data_interval_end}. As Airflow does by default
// (dag_run_conf_overrides_params), keys of the run's conf override the DAG's params.
nlohmann::json StandardTemplateNames(const TemplateRun& run);

// Renders every {{ expr }} of `text`: JSON strings go in without quotes, anything else as
// its JSON text. An unresolved name fails with the template and the name in the message:
// "template '{{ xcom('create_cluster') }}': no XCom 'return_value' from task create_cluster".
// Syntax errors are ParseErrors, unresolved names NotFound, wrong shapes InvalidArgument.
Result<std::string> Render(std::string_view text, const TemplateContext& ctx);

// Renders every string inside `value` (nested arrays and objects; keys are not templated).
// Errors name the string's place, prefixed by `name` when given: "steps[0].Args[3]: ...".
Result<nlohmann::json> RenderJson(const nlohmann::json& value, const TemplateContext& ctx,
                                  std::string_view name = "");

// A problem found before rendering, at byte `offset` of the text.
struct TemplateIssue {
  size_t offset = 0;
  std::string message;
};

// The first syntax error of `text`, if any.
std::optional<TemplateIssue> FindTemplateSyntaxError(std::string_view text);
// Syntax, and what a load can already know: every name is one of TemplateNames(), var is
// followed by a variable name, and xcom('t') names a task for which `task_exists` is true.
std::optional<TemplateIssue> FindTemplateError(
    std::string_view text, const std::function<bool(std::string_view)>& task_exists);
// FindTemplateSyntaxError as a Status: ParseError "template '<text>': offset N: <message>".
Status CheckTemplateSyntax(std::string_view text);

}  // namespace sluice::orchestrator
