#include "orchestrator/dag.h"

#include <array>
#include <utility>

#include "engine/spec_source.h"

namespace sluice::orchestrator {

namespace {

constexpr std::array<std::pair<TriggerRule, std::string_view>, 12> kRules = {{
    {TriggerRule::kAllSuccess, "all_success"},
    {TriggerRule::kAllFailed, "all_failed"},
    {TriggerRule::kAllDone, "all_done"},
    {TriggerRule::kAllSkipped, "all_skipped"},
    {TriggerRule::kOneSuccess, "one_success"},
    {TriggerRule::kOneFailed, "one_failed"},
    {TriggerRule::kOneDone, "one_done"},
    {TriggerRule::kNoneFailed, "none_failed"},
    {TriggerRule::kNoneFailedMinOneSuccess, "none_failed_min_one_success"},
    {TriggerRule::kNoneSkipped, "none_skipped"},
    {TriggerRule::kAlways, "always"},
    {TriggerRule::kAllDoneSetupSuccess, "all_done_setup_success"},
}};

}  // namespace

std::string_view TriggerRuleName(TriggerRule rule) {
  for (const auto& [r, name] : kRules) {
    if (r == rule) return name;
  }
  return "unknown";
}

std::optional<TriggerRule> ParseTriggerRule(std::string_view name) {
  for (const auto& [r, n] : kRules) {
    if (n == name && r != TriggerRule::kAllDoneSetupSuccess) return r;
  }
  return std::nullopt;
}

std::string TriggerRuleNames() {
  std::string out;
  for (const auto& [r, name] : kRules) {
    if (r == TriggerRule::kAllDoneSetupSuccess) continue;
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

std::string_view SensorModeName(SensorMode mode) {
  return mode == SensorMode::kPoke ? "poke" : "reschedule";
}

SourcePos RawField::At(const std::string& pointer) const {
  auto it = positions.find(pointer);
  return it == positions.end() ? pos : it->second;
}

const RawField* TaskSpec::Field(std::string_view key) const {
  auto it = fields.find(std::string(key));
  return it == fields.end() ? nullptr : &it->second;
}

Status TaskSpec::ErrorAt(std::string_view key, std::string_view message) const {
  auto it = key_pos.find(std::string(key));
  const SourcePos& at = it == key_pos.end() ? pos : it->second;
  return engine::ErrorAt(at, "task '" + id + "': " + std::string(message));
}

const TaskSpec* DagSpec::FindTask(std::string_view id) const {
  auto it = task_index.find(id);
  return it == task_index.end() ? nullptr : &tasks[it->second];
}

Status DagSpec::ErrorAt(std::string_view key, std::string_view message) const {
  auto it = key_pos.find(std::string(key));
  const SourcePos at = it == key_pos.end() ? SourcePos{file, 0, 0} : it->second;
  return engine::ErrorAt(at, message);
}

}  // namespace sluice::orchestrator
