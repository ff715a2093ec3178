#include "web/scheduler_health.h"

namespace sluice::web {

using namespace orchestrator;

Result<SchedulerHealth> ReadSchedulerHealth(MetadataStore& store, Micros threshold, TimePoint now) {
  SchedulerHealth health;
  Result<JobModel> job = store.GetMostRecentJob(kSchedulerJobType);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return health;
    return job.status();
  }
  health.heartbeat_age = now - job->latest_heartbeat;
  health.healthy = job->state == JobState::kRunning && health.heartbeat_age < threshold;
  health.job = std::move(*job);
  return health;
}

nlohmann::json SchedulerHealthJson(const SchedulerHealth& health) {
  nlohmann::json latest = nullptr;
  if (health.job) latest = FormatIso8601(health.job->latest_heartbeat);
  return {{"status", health.healthy ? "healthy" : "unhealthy"},
          {"latest_scheduler_heartbeat", latest}};
}

}  // namespace sluice::web
