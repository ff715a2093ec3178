#include "web/api_json.h"

#include <map>

#include "orchestrator/home.h"
#include "web/api_util.h"
#include "web/auth_service.h"

namespace sluice::web::api {

namespace {

using namespace orchestrator;

Json TimeDelta(const std::optional<Micros>& d) {
  if (!d) return nullptr;
  int64_t us = d->count();
  int64_t seconds = us / 1000000;
  return {{"__type", "TimeDelta"},
          {"days", seconds / 86400},
          {"seconds", seconds % 86400},
          {"microseconds", us % 1000000}};
}

// "M H * * *" with plain numbers: "At HH:MM, every day".
std::optional<std::string> DailyCron(const std::string& cron) {
  int minute = -1, hour = -1;
  char rest[32] = {0};
  if (std::sscanf(cron.c_str(), "%d %d %31[^\n]", &minute, &hour, rest) != 3) return std::nullopt;
  if (std::string(rest) != "* * *" || minute < 0 || minute > 59 || hour < 0 || hour > 23) {
    return std::nullopt;
  }
  char text[40];
  std::snprintf(text, sizeof text, "At %02d:%02d, every day", hour, minute);
  return std::string(text);
}

}  // namespace

std::string FileToken(const std::string& fileloc) { return EncodeBase64Url(fileloc); }

std::optional<std::string> FilelocOf(const std::string& file_token) {
  return DecodeBase64(file_token);
}

std::string TimetableDescription(const std::optional<std::string>& schedule) {
  static const std::map<std::string, std::string> kPresets = {
      {"@once", "Once, as soon as possible"},
      {"@hourly", "At the start of every hour"},
      {"@daily", "At 00:00, every day"},
      {"@weekly", "At 00:00, only on Sunday"},
      {"@monthly", "At 00:00, on day 1 of the month"},
      {"@quarterly", "At 00:00, on day 1 of January, April, July and October"},
      {"@yearly", "At 00:00, on day 1 of January"},
      {"@annually", "At 00:00, on day 1 of January"},
  };
  if (!schedule || schedule->empty() || *schedule == "null" || *schedule == "none") {
    return "Never, external triggers only";
  }
  if (auto it = kPresets.find(*schedule); it != kPresets.end()) return it->second;
  if (auto daily = DailyCron(*schedule)) return *daily;
  return "Cron: " + *schedule;
}

Json DagJson(const DagModel& dag) {
  Json tags = Json::array();
  for (const auto& t : dag.tags) tags.push_back({{"name", t}});
  Json schedule = nullptr, interval = nullptr;
  if (dag.schedule) {
    schedule = *dag.schedule;
    interval = {{"__type", "CronExpression"}, {"value", *dag.schedule}};
  }
  const NextDagRun& next = dag.next_dagrun;
  return {{"dag_id", dag.dag_id},
          {"root_dag_id", nullptr},
          {"is_subdag", false},
          {"description", dag.description.empty() ? Json(nullptr) : Json(dag.description)},
          {"fileloc", dag.fileloc},
          {"file_token", FileToken(dag.fileloc)},
          {"is_paused", dag.is_paused},
          {"is_active", dag.is_active},
          {"schedule_interval", interval},
          {"schedule", schedule},
          {"timetable_description", TimetableDescription(dag.schedule)},
          {"timezone", dag.timezone},
          {"tags", tags},
          {"owners", Json::array()},
          {"max_active_runs", dag.max_active_runs},
          {"has_import_errors", dag.import_error.has_value()},
          {"import_error", dag.import_error ? Json(*dag.import_error) : Json(nullptr)},
          {"last_parsed_time", TimeJson(dag.last_parsed_at)},
          {"next_dagrun", TimeJson(next.logical_date)},
          {"next_dagrun_data_interval_start", TimeJson(next.data_interval_start)},
          {"next_dagrun_data_interval_end", TimeJson(next.data_interval_end)},
          {"next_dagrun_create_after", TimeJson(next.create_after)},
          {"default_view", "grid"}};
}

Json DagRunJson(const DagRunModel& run) {
  std::string logical = FormatIso8601(run.logical_date);
  return {{"dag_run_id", run.run_id},
          {"dag_id", run.dag_id},
          {"logical_date", logical},
          {"execution_date", logical},
          {"data_interval_start", TimeJson(run.data_interval_start)},
          {"data_interval_end", TimeJson(run.data_interval_end)},
          {"queued_at", TimeJson(run.queued_at)},
          {"start_date", TimeJson(run.start_date)},
          {"end_date", TimeJson(run.end_date)},
          {"state", ToString(run.state)},
          {"run_type", ToString(run.run_type)},
          {"external_trigger", run.external_trigger},
          {"conf", run.conf.is_null() ? Json::object() : run.conf},
          {"note", nullptr},
          {"last_scheduling_decision", nullptr}};
}

Json TaskInstanceJson(const TaskInstanceModel& ti, const DagRunModel& run, const TaskSpec* task) {
  return {{"task_id", ti.task_id},
          {"dag_id", ti.dag_id},
          {"dag_run_id", ti.run_id},
          {"execution_date", FormatIso8601(run.logical_date)},
          {"state", ti.state == TaskState::kNone ? Json(nullptr) : Json(ToString(ti.state))},
          {"try_number", ti.try_number},
          {"max_tries", ti.max_tries},
          {"map_index", -1},
          {"start_date", TimeJson(ti.start_date)},
          {"end_date", TimeJson(ti.end_date)},
          {"duration", SecondsJson(ti.duration)},
          {"operator", ti.operator_name},
          {"pool", task ? task->pool : std::string(kDefaultPool)},
          {"pool_slots", 1},
          {"queue", "default"},
          {"hostname", ti.hostname},
          {"pid", ti.pid ? Json(*ti.pid) : Json(nullptr)},
          {"queued_when", TimeJson(ti.queued_at)},
          {"next_attempt_at", TimeJson(ti.next_attempt_at)}};
}

Json TaskJson(const TaskSpec& task, int order) {
  bool is_teardown = task.teardown_of.has_value();
  return {{"task_id", task.id},
          {"operator_name", task.operator_name},
          {"class_ref", {{"module_path", "sluice.operators"}, {"class_name", task.operator_name}}},
          {"upstream_task_ids", task.upstream},
          {"downstream_task_ids", task.downstream},
          {"trigger_rule", TriggerRuleName(task.trigger_rule)},
          {"retries", task.retries},
          {"retry_delay", TimeDelta(task.retry_delay)},
          {"retry_exponential_backoff", task.retry_exponential_backoff},
          {"max_retry_delay", TimeDelta(task.max_retry_delay)},
          {"execution_timeout", TimeDelta(task.execution_timeout)},
          {"depends_on_past", task.depends_on_past},
          {"pool", task.pool},
          {"pool_slots", 1},
          {"teardown_of", is_teardown ? Json(*task.teardown_of) : Json(nullptr)},
          {"is_setup", task.is_setup},
          {"is_teardown", is_teardown},
          {"doc_md", task.doc.empty() ? Json(nullptr) : Json(task.doc)},
          {"order", order}};
}

Json XComJson(const XComModel& xcom, const DagRunModel& run) {
  std::string logical = FormatIso8601(run.logical_date);
  return {{"key", xcom.key},           {"task_id", xcom.task_id},
          {"dag_id", xcom.dag_id},     {"dag_run_id", xcom.run_id},
          {"map_index", -1},           {"timestamp", TimeJson(xcom.timestamp)},
          {"execution_date", logical}, {"logical_date", logical},
          {"value", xcom.value}};
}

}  // namespace sluice::web::api
