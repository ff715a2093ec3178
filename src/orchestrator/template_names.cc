// The fixed names of a template and the load-time checks that use them.
#include <algorithm>

#include "orchestrator/task_template.h"
#include "orchestrator/template_parser.h"

namespace sluice::orchestrator {

namespace {

using nlohmann::json;

std::string KnownNames() {
  std::string out;
  for (const std::string& n : TemplateNames()) out += (out.empty() ? "" : ", ") + n;
  return out + ", xcom(...)";
}

bool IsKnownName(std::string_view name) {
  const std::vector<std::string>& names = TemplateNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<TemplateIssue> CheckExpr(const TemplateExpr& e,
                                       const std::function<bool(std::string_view)>& task_exists) {
  if (e.kind == TemplateExpr::Kind::kName) {
    if (!IsKnownName(e.text)) {
      return TemplateIssue{e.begin, "unknown name '" + e.text + "' (known: " + KnownNames() + ")"};
    }
    if (e.text == "var" && e.accessors.empty()) {
      return TemplateIssue{e.begin, "'var' needs a variable name: var.name"};
    }
  }
  if (e.kind == TemplateExpr::Kind::kXCom) {
    const TemplateExpr& task = *e.xcom_task;
    if (task.kind == TemplateExpr::Kind::kString && task.accessors.empty() && task_exists &&
        !task_exists(task.text)) {
      return TemplateIssue{task.begin, "xcom(...): no task '" + task.text + "' in this DAG"};
    }
    for (const TemplateExpr* arg : {e.xcom_task.get(), e.xcom_key.get()}) {
      if (arg == nullptr) continue;
      if (auto issue = CheckExpr(*arg, task_exists)) return issue;
    }
  }
  for (const TemplateAccessor& a : e.accessors) {
    if (!a.index) continue;
    if (auto issue = CheckExpr(*a.index, task_exists)) return issue;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& TemplateNames() {
  static const std::vector<std::string> kNames = {"ds",
                                                  "ds_nodash",
                                                  "ts",
                                                  "ts_nodash",
                                                  "logical_date",
                                                  "data_interval_start",
                                                  "data_interval_end",
                                                  "run_id",
                                                  "try_number",
                                                  "dag",
                                                  "task",
                                                  "params",
                                                  "dag_run",
                                                  "var"};
  return kNames;
}

std::optional<TemplateIssue> FindTemplateError(
    std::string_view text, const std::function<bool(std::string_view)>& task_exists) {
  if (text.find("{{") == std::string_view::npos) return std::nullopt;
  auto parsed = ParseTemplate(text);
  if (TemplateIssue* issue = std::get_if<TemplateIssue>(&parsed)) return std::move(*issue);
  for (const TemplateSegment& seg : std::get<ParsedTemplate>(parsed)) {
    if (!seg.expr) continue;
    if (auto issue = CheckExpr(*seg.expr, task_exists)) return issue;
  }
  return std::nullopt;
}

json StandardTemplateNames(const TemplateRun& run) {
  const std::string logical = FormatIso8601(run.logical_date);
  const std::string start = FormatIso8601(run.data_interval_start);
  const std::string end = FormatIso8601(run.data_interval_end);
  std::string ts_nodash = FormatDateNoDash(run.logical_date) + "T" + logical.substr(11, 8);
  ts_nodash.erase(std::remove(ts_nodash.begin(), ts_nodash.end(), ':'), ts_nodash.end());

  json params = run.params.is_object() ? run.params : json::object();
  if (run.conf.is_object()) {
    for (auto it = run.conf.begin(); it != run.conf.end(); ++it) params[it.key()] = it.value();
  }
  json names = json::object();
  names["ds"] = FormatDate(run.logical_date);
  names["ds_nodash"] = FormatDateNoDash(run.logical_date);
  names["ts"] = logical;
  names["ts_nodash"] = ts_nodash;
  names["logical_date"] = logical;
  names["data_interval_start"] = start;
  names["data_interval_end"] = end;
  names["run_id"] = run.run_id;
  names["try_number"] = run.try_number;
  names["dag"] = {{"dag_id", run.dag_id}};
  names["task"] = {{"task_id", run.task_id}};
  names["params"] = std::move(params);
  names["dag_run"] = {{"run_id", run.run_id},
                      {"conf", run.conf.is_null() ? json::object() : run.conf},
                      {"logical_date", logical},
                      {"data_interval_start", start},
                      {"data_interval_end", end}};
  return names;
}

}  // namespace sluice::orchestrator
