// The DAG model (design.md §8): what one DAG file declares, after validation, with the source
// position of every key so that later checks (operators, the scheduler) can point at the file.
// dag_loader.h builds it; the scheduler, the CLI and the web UI read it.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/cron.h"
#include "common/status.h"
#include "common/time_util.h"
#include "engine/expr.h"

namespace sluice::orchestrator {

using engine::SourcePos;

// Airflow's trigger rules. kAllDoneSetupSuccess is never written in a file: the loader gives
// it to every task with `teardown_of` (see TaskSpec::teardown_of).
enum class TriggerRule {
  kAllSuccess,
  kAllFailed,
  kAllDone,
  kAllSkipped,
  kOneSuccess,
  kOneFailed,
  kOneDone,
  kNoneFailed,
  kNoneFailedMinOneSuccess,
  kNoneSkipped,
  kAlways,
  kAllDoneSetupSuccess,
};
std::string_view TriggerRuleName(TriggerRule rule);  // "all_success", ...
// The rules a file may name (all but all_done_setup_success); nullopt for anything else.
std::optional<TriggerRule> ParseTriggerRule(std::string_view name);
// "all_success, all_failed, ..." for messages.
std::string TriggerRuleNames();

enum class SensorMode { kPoke, kReschedule };
std::string_view SensorModeName(SensorMode mode);

// An operator-specific key (env, cwd, command, bash, job, vars, cluster, steps, cluster_id,
// step_id, connection) as written, for the operator to validate and render. YAML scalars are
// typed by the YAML 1.2 core schema: quoted scalars are strings; plain ones are null, true /
// false, integers, floats, or else strings (so `command: [sleep, 1]` holds the number 1).
struct RawField {
  nlohmann::json value;
  SourcePos pos;  // of the value
  // Position of every node inside `value`, by JSON pointer relative to it ("" is the value
  // itself, "/0/HadoopJarStep/Args/3" a nested one).
  std::map<std::string, SourcePos> positions;
  bool from_default_args = false;

  SourcePos At(const std::string& pointer) const;  // falls back to `pos`
};

struct TaskSpec {
  std::string id;
  std::string operator_name;          // validated by the caller's operator registry
  std::vector<std::string> upstream;  // as written, plus the setup of a teardown (see below)
  TriggerRule trigger_rule = TriggerRule::kAllSuccess;
  int retries = 0;
  Micros retry_delay = std::chrono::minutes(5);
  bool retry_exponential_backoff = false;
  std::optional<Micros> max_retry_delay;
  std::optional<Micros> execution_timeout;
  bool depends_on_past = false;
  std::string pool = "default_pool";
  std::string doc;

  // Setup and teardown, Airflow's semantics. A task with `teardown_of: S` is S's teardown:
  //  - the loader adds S to its upstream (S >> teardown) and sets its trigger rule to
  //    kAllDoneSetupSuccess; a trigger_rule written on a teardown is an error;
  //  - the scheduler runs it once every upstream has finished (any state) and S succeeded;
  //    it is skipped when S was skipped and upstream_failed when S failed or was
  //    upstream_failed;
  //  - it does not decide the run's state: the run's state comes from the tasks that are
  //    leaves once teardowns are ignored (a task whose only downstream tasks are teardowns
  //    counts as a leaf; a teardown never does, unless every task is a teardown);
  //  - for the trigger rules of tasks downstream of a teardown, the scheduler should pass on
  //    the outcome of the work the teardown closes (its upstreams other than S): if one of
  //    them failed or was upstream_failed, those tasks see an upstream failure. Design §3
  //    wants "a failed step still fails the run while the cluster is still terminated",
  //    which the §8 DAG (end_workflow after terminate_cluster) only gets this way.
  std::optional<std::string> teardown_of;
  bool is_setup = false;  // some task is its teardown

  // Sensors (Airflow's defaults when absent).
  Micros poke_interval = std::chrono::seconds(60);
  Micros timeout = std::chrono::hours(24 * 7);
  SensorMode mode = SensorMode::kPoke;
  bool soft_fail = false;

  // Operator-specific keys present for this task, by key. Every string inside passed the
  // template syntax check at load time; render them with RenderJson (task_template.h).
  std::map<std::string, RawField> fields;

  // Filled by the loader: tasks that list this one upstream, in file order.
  std::vector<std::string> downstream;

  // Where things are: the task's map, and the value of every key it has (own or default).
  std::string file;
  SourcePos pos;
  std::map<std::string, SourcePos> key_pos;
  // Keys whose value came from default_args. Airflow passes a default arg only to operators
  // that accept it, so an operator's validation should ignore such keys it does not take.
  std::set<std::string> defaulted;

  bool Has(std::string_view key) const { return key_pos.count(std::string(key)) > 0; }
  const RawField* Field(std::string_view key) const;
  // ParseError "<file:line:col of key's value>: task 'id': <message>"; the task's position
  // when the key is absent.
  Status ErrorAt(std::string_view key, std::string_view message) const;
};

struct DagSpec {
  std::string dag_id;
  std::string description;
  Timetable timetable;  // schedule: cron, preset, @once or manual only (null / absent)
  std::optional<TimePoint> start_date;  // required unless the DAG is manual only
  std::optional<TimePoint> end_date;
  std::string timezone = "UTC";
  bool catchup = false;      // Airflow 3's default
  int max_active_runs = 16;  // Airflow's default
  std::vector<std::string> tags;
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json default_args = nlohmann::json::object();  // as written, for display
  std::vector<TaskSpec> tasks;                             // in file order
  // Indexes into `tasks` such that every task comes after its upstreams.
  std::vector<size_t> topo_order;
  std::map<std::string, size_t, std::less<>> task_index;  // task id -> index in `tasks`

  std::string file;
  std::map<std::string, SourcePos> key_pos;  // the value of every top-level key

  const TaskSpec* FindTask(std::string_view id) const;
  // ParseError at the position of a top-level key's value (the file when absent).
  Status ErrorAt(std::string_view key, std::string_view message) const;
};

}  // namespace sluice::orchestrator
