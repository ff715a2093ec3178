#include "orchestrator/job_heartbeat.h"

#include <unistd.h>

#include "common/logging.h"

namespace sluice::orchestrator {

std::string Hostname() {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  return name;
}

JobHeartbeat::JobHeartbeat(MetadataStore* store, int64_t id, Micros interval, TimePoint started)
    : store_(store), id_(id), interval_(interval), next_beat_(started + interval) {}

Result<std::unique_ptr<JobHeartbeat>> JobHeartbeat::Start(MetadataStore* store,
                                                          std::string_view job_type,
                                                          Micros interval) {
  JobModel job;
  job.job_type = std::string(job_type);
  job.state = JobState::kRunning;
  job.hostname = Hostname();
  job.pid = getpid();
  job.start_date = Now();
  job.latest_heartbeat = job.start_date;
  ASSIGN_OR_RETURN(JobModel stored, store->CreateJob(job));
  return std::unique_ptr<JobHeartbeat>(
      new JobHeartbeat(store, stored.id, interval, stored.start_date));
}

void JobHeartbeat::Loop(Micros took, TimePoint now) {
  stats_.Observe(took);
  if (now < next_beat_) return;
  next_beat_ = now + interval_;
  Status st = store_->HeartbeatJob(id_, now, stats_);
  if (!st.ok()) Log().warn("event=heartbeat_failed job={} error=\"{}\"", id_, st.message());
}

Status JobHeartbeat::End(JobState state) {
  TimePoint now = Now();
  RETURN_NOT_OK(store_->HeartbeatJob(id_, now, stats_));
  return store_->EndJob(id_, state, now);
}

}  // namespace sluice::orchestrator
