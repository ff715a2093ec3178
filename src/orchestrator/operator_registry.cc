#include <algorithm>
#include <map>
#include <mutex>

#include "orchestrator/task_operator.h"

namespace sluice::orchestrator {

namespace {

std::map<std::string, std::unique_ptr<TaskOperator>, std::less<>>& Registry() {
  static auto* registry = new std::map<std::string, std::unique_ptr<TaskOperator>, std::less<>>();
  return *registry;
}

}  // namespace

Result<std::optional<nlohmann::json>> TryContext::Render(std::string_view key) const {
  const RawField* field = task->Field(key);
  if (!field) return std::optional<nlohmann::json>();
  auto rendered = RenderJson(field->value, *templates, key);
  if (!rendered.ok()) {
    return rendered.status().WithContext("task '" + task->id + "', key " + std::string(key));
  }
  return std::optional<nlohmann::json>(std::move(rendered).value());
}

Status TaskOperator::Validate(const TaskSpec& task) const {
  std::vector<std::string_view> allowed = keys();
  for (const auto& [key, field] : task.fields) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    if (field.from_default_args) continue;  // Airflow passes default args only where taken
    std::string list;
    for (auto k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
    return task.ErrorAt(key, "operator " + std::string(name()) + " does not take '" + key +
                                 "' (it takes: " + (list.empty() ? "no operator keys" : list) +
                                 ")");
  }
  for (auto key : required_keys()) {
    if (!task.Field(key)) {
      return task.ErrorAt("operator", "operator " + std::string(name()) + " needs '" +
                                          std::string(key) + "'");
    }
  }
  if (is_sensor()) return Status::OK();
  for (const char* key : {"poke_interval", "timeout", "mode", "soft_fail"}) {
    if (task.Has(key) && !task.defaulted.count(key)) {
      return task.ErrorAt(key, std::string("only sensors take ") + key);
    }
  }
  return Status::OK();
}

TaskOutcome TaskOperator::Execute(const TryContext&) const {
  return TaskOutcome::Failed("operator " + std::string(name()) + " runs no process");
}

Result<bool> TaskOperator::Poke(const TryContext&) const {
  return Status::Internal("operator " + std::string(name()) + " is not a sensor");
}

void RegisterOperator(std::unique_ptr<TaskOperator> op) {
  std::string name(op->name());
  Registry()[name] = std::move(op);
}

const TaskOperator* FindOperator(std::string_view name) {
  auto it = Registry().find(name);
  return it == Registry().end() ? nullptr : it->second.get();
}

std::vector<std::string> OperatorNames() {
  std::vector<std::string> names;
  for (const auto& [name, op] : Registry()) names.push_back(name);
  return names;
}

Status ValidateTaskOperator(const TaskSpec& task) {
  const TaskOperator* op = FindOperator(task.operator_name);
  if (!op) {
    std::string list;
    for (const auto& n : OperatorNames()) list += (list.empty() ? "" : ", ") + n;
    return task.ErrorAt("operator", "unknown operator '" + task.operator_name + "' (known: " +
                                        list + ")");
  }
  return op->Validate(task);
}

}  // namespace sluice::orchestrator
