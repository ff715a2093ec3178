// When a failed try runs again (design.md §3): retries, retry_delay, and Airflow's
// exponential backoff with its deterministic jitter, capped by max_retry_delay.
#pragma once

#include <optional>
#include <string>

#include "common/time_util.h"

namespace sluice::orchestrator {

struct RetryPolicy {
  int retries = 0;
  Micros retry_delay = std::chrono::seconds(300);  // Airflow's default
  bool exponential_backoff = false;
  std::optional<Micros> max_retry_delay;
};

// The delay before try `try_number` + 1, after try `try_number` (1-based) failed. With
// exponential backoff, Airflow 2's formula: min_backoff = ceil(delay * 2^(try_number - 1)),
// then min_backoff + hash % min_backoff seconds, where hash is the SHA-1 of
// "<dag_id>#<task_id>#<logical date, ISO 8601>#<try_number>" read as a number, capped by
// max_retry_delay.
Micros RetryDelay(const RetryPolicy& policy, const std::string& dag_id, const std::string& task_id,
                  TimePoint logical_date, int try_number);

}  // namespace sluice::orchestrator
