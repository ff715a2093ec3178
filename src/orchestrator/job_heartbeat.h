// A long-running process's row in the job table (Airflow's Job and its heartbeat): created
// running when the scheduler starts, its loop times counted in memory and written with a
// heartbeat at most once per interval (a scheduler loops up to hundreds of times a second; the
// DB must not take a write for each), and ended when it stops cleanly. The server reads the
// row for /api/v1/health and /metrics.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

// This machine's name, as jobs and task tries record it.
std::string Hostname();

class JobHeartbeat {
 public:
  // Inserts the job (this process's host and pid, state running, a first heartbeat now).
  static Result<std::unique_ptr<JobHeartbeat>> Start(MetadataStore* store,
                                                     std::string_view job_type, Micros interval);

  // Counts one loop that took `took`; writes a heartbeat once `interval` has passed since the
  // last one. A failed write is logged and tried again an interval later: the scheduler must
  // not stop because the DB was busy for a moment.
  void Loop(Micros took, TimePoint now);
  // Writes the statistics a last time and marks the job ended in `state`.
  Status End(JobState state);

  int64_t id() const { return id_; }
  const LoopStats& stats() const { return stats_; }

 private:
  JobHeartbeat(MetadataStore* store, int64_t id, Micros interval, TimePoint started);

  MetadataStore* store_;
  int64_t id_;
  Micros interval_;
  TimePoint next_beat_;
  LoopStats stats_;
};

}  // namespace sluice::orchestrator
