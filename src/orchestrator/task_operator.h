// Operators: what a task does (design.md §3). Each operator validates its own keys when a
// DAG file loads and runs one try of a task inside that try's own process. They live in a
// registry, so the cluster operators (issue 4) join without touching the scheduler.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/time_util.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/task_template.h"

namespace sluice::orchestrator {

// How one try ended.
struct TaskOutcome {
  enum class Kind {
    kSuccess,
    kFailed,      // retried per the task's policy
    kReschedule,  // a sensor in reschedule mode that is not done yet
    kSkipped,     // e.g. a soft-failing sensor, or a bash script exiting with 99
  };
  Kind kind = Kind::kSuccess;
  std::string message;                        // why, for the log and the task's try record
  std::optional<nlohmann::json> return_value;  // pushed as the XCom 'return_value'

  static TaskOutcome Success(std::optional<nlohmann::json> value = std::nullopt) {
    return {Kind::kSuccess, "", std::move(value)};
  }
  static TaskOutcome Failed(std::string why) { return {Kind::kFailed, std::move(why), {}}; }
};

// What an operator sees while running one try.
struct TryContext {
  const DagSpec* dag = nullptr;
  const TaskSpec* task = nullptr;
  const TemplateContext* templates = nullptr;
  int try_number = 1;
  // When the first try of this task instance started: a sensor's timeout counts from here,
  // across reschedules.
  TimePoint first_started_at;
  // The metadata store and the run, for operators that record more than XCom (the cluster
  // operators remember which run created which cluster).
  MetadataStore* store = nullptr;
  std::string run_id;
  // Renders the task's operator-specific key `key` (every string in it) for this try;
  // nullopt when the task does not have the key.
  Result<std::optional<nlohmann::json>> Render(std::string_view key) const;
};

class TaskOperator {
 public:
  virtual ~TaskOperator() = default;
  virtual std::string_view name() const = 0;
  // The operator-specific keys it takes (design.md §8), and those it requires.
  virtual std::vector<std::string_view> keys() const = 0;
  virtual std::vector<std::string_view> required_keys() const { return {}; }
  // Checks the keys' presence and shapes at load time; positions name the file.
  virtual Status Validate(const TaskSpec& task) const;
  // The scheduler settles the task itself, without a process (the empty operator).
  virtual bool settled_by_scheduler() const { return false; }
  // Sensors poke; the runner handles poke/reschedule modes, timeout and soft_fail.
  virtual bool is_sensor() const { return false; }
  // Runs one try (non-sensors), in the try's process; stdout and stderr are its log.
  virtual TaskOutcome Execute(const TryContext& ctx) const;
  // One poke of a sensor: true when its condition holds.
  virtual Result<bool> Poke(const TryContext& ctx) const;
};

// The registry. Registration happens once, at start-up, before threads exist.
void RegisterOperator(std::unique_ptr<TaskOperator> op);
const TaskOperator* FindOperator(std::string_view name);
std::vector<std::string> OperatorNames();
// Registers the operators of this component (empty, command, bash, etl, file_sensor); safe
// to call more than once.
void RegisterBuiltinOperators();
// The cluster operators (cluster_create, cluster_add_steps, cluster_step_sensor,
// cluster_sensor, cluster_terminate); RegisterBuiltinOperators registers them too.
void RegisterClusterOperators();
// The DAG loader's check of a task: a known operator whose keys validate.
Status ValidateTaskOperator(const TaskSpec& task);

}  // namespace sluice::orchestrator
