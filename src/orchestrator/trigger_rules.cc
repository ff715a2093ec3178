#include "orchestrator/trigger_rules.h"

namespace sluice::orchestrator {

UpstreamStates UpstreamStates::Of(const std::vector<TaskState>& states) {
  UpstreamStates up;
  up.total = static_cast<int>(states.size());
  for (TaskState s : states) {
    switch (s) {
      case TaskState::kSuccess: up.success++; break;
      case TaskState::kFailed: up.failed++; break;
      case TaskState::kUpstreamFailed: up.upstream_failed++; break;
      case TaskState::kSkipped: up.skipped++; break;
      case TaskState::kRemoved: up.removed++; break;
      default: break;  // still to run or running
    }
  }
  return up;
}

TriggerDecision EvaluateTriggerRule(TriggerRule rule, const UpstreamStates& up,
                                    TaskState setup_state) {
  const bool all_done = up.done() == up.total;
  const int failures = up.failed + up.upstream_failed;
  using D = TriggerDecision;
  if (up.total == 0) return D::kRun;  // rules only speak of upstreams; a root always runs
  switch (rule) {
    case TriggerRule::kAlways:
      return D::kRun;
    case TriggerRule::kAllSuccess:
      if (failures > 0) return D::kUpstreamFailed;
      if (up.skipped > 0) return D::kSkip;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kAllFailed:
      if (up.success > 0 || up.skipped > 0) return D::kSkip;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kAllDone:
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kAllSkipped:
      if (up.success > 0 || failures > 0) return D::kSkip;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kOneSuccess:
      if (up.success > 0) return D::kRun;
      if (!all_done) return D::kWait;
      return up.skipped == up.total - up.removed ? D::kSkip : D::kUpstreamFailed;
    case TriggerRule::kOneFailed:
      if (failures > 0) return D::kRun;
      return all_done ? D::kSkip : D::kWait;
    case TriggerRule::kOneDone:
      if (up.success > 0 || failures > 0) return D::kRun;
      return all_done ? D::kSkip : D::kWait;
    case TriggerRule::kNoneFailed:
      if (failures > 0) return D::kUpstreamFailed;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kNoneFailedMinOneSuccess:
      if (failures > 0) return D::kUpstreamFailed;
      if (!all_done) return D::kWait;
      return up.success > 0 || up.total == up.removed ? D::kRun : D::kSkip;
    case TriggerRule::kNoneSkipped:
      if (up.skipped > 0) return D::kSkip;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kAllDoneSetupSuccess:
      if (!all_done) return D::kWait;
      return setup_state == TaskState::kSuccess ? D::kRun : D::kSkip;
  }
  return D::kWait;
}

}  // namespace sluice::orchestrator
