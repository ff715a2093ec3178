// What the server can tell of the scheduler, which runs in another process (private to
// src/web): its most recent job row (orchestrator/job_heartbeat.h) and whether its heartbeat is
// fresh enough to call it healthy, as Airflow's scheduler_health_check_threshold decides. Read
// by /api/v1/health and /metrics.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/status.h"
#include "orchestrator/metadata_store.h"

namespace sluice::web {

struct SchedulerHealth {
  std::optional<orchestrator::JobModel> job;  // none: no scheduler has run on this DB yet
  bool healthy = false;     // the job runs and its heartbeat is younger than the threshold
  Micros heartbeat_age{0};  // now - latest_heartbeat, when there is a job
};

Result<SchedulerHealth> ReadSchedulerHealth(orchestrator::MetadataStore& store, Micros threshold,
                                            TimePoint now);

// Airflow's /health entry: {"status": "healthy"|"unhealthy", "latest_scheduler_heartbeat":
// ISO 8601 or null}.
nlohmann::json SchedulerHealthJson(const SchedulerHealth& health);

}  // namespace sluice::web
