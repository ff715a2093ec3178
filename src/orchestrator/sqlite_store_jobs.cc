// Jobs (Airflow's job table) in the SQLite store: the scheduler's heartbeat and loop times.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

// In the order of kLoopBucketBounds.
constexpr const char* kBucketColumns =
    "loops_le_1ms, loops_le_5ms, loops_le_10ms, loops_le_50ms, loops_le_100ms, "
    "loops_le_500ms, loops_le_1s, loops_le_5s";
static_assert(kLoopBucketBounds.size() == 8, "the job table has one column per bound");

constexpr const char* kJobColumns =
    "id, job_type, state, hostname, pid, start_date, end_date, latest_heartbeat, loops, "
    "loop_micros_sum, last_loop_micros";

std::string JobName(int64_t id) { return "job " + std::to_string(id); }

Result<JobModel> ReadJob(const Statement& st) {
  JobModel job;
  job.id = st.Int64(0);
  job.job_type = st.Text(1);
  ASSIGN_OR_RETURN(job.state, ParseJobState(st.Text(2)));
  job.hostname = st.Text(3);
  job.pid = st.OptInt64(4);
  job.start_date = st.Time(5);
  job.end_date = st.OptTime(6);
  job.latest_heartbeat = st.Time(7);
  job.loop.loops = st.Int64(8);
  job.loop.total = Micros(st.Int64(9));
  job.loop.last = st.OptMicros(10);
  for (size_t i = 0; i < kLoopBucketBounds.size(); ++i) {
    job.loop.at_most[i] = st.Int64(11 + static_cast<int>(i));
  }
  return job;
}

// Binds the loop statistics from parameter `first` on, in the order of the loop columns.
void BindLoop(Statement& st, int first, const LoopStats& loop) {
  st.Bind(first, loop.loops).Bind(first + 1, loop.total).Bind(first + 2, loop.last);
  for (size_t i = 0; i < loop.at_most.size(); ++i) {
    st.Bind(first + 3 + static_cast<int>(i), loop.at_most[i]);
  }
}

}  // namespace

Result<JobModel> SqliteStore::CreateJob(const JobModel& job) {
  return WriteOne([&](Connection& conn) -> Result<JobModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("INSERT INTO job (job_type, state, hostname, pid, "
                                              "start_date, end_date, latest_heartbeat, loops, "
                                              "loop_micros_sum, last_loop_micros, ") +
                                  kBucketColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                  "?)"));
    st.BindAll(job.job_type, ToString(job.state), job.hostname, job.pid, job.start_date,
               job.end_date, job.latest_heartbeat);
    BindLoop(st, 8, job.loop);
    RETURN_NOT_OK(st.Run());
    JobModel stored = job;
    stored.id = sqlite3_last_insert_rowid(conn.db());
    return stored;
  });
}

Status SqliteStore::HeartbeatJob(int64_t id, TimePoint at, const LoopStats& loop) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE job SET latest_heartbeat = ?1, loops = ?2, "
                                  "loop_micros_sum = ?3, last_loop_micros = ?4, "
                                  "loops_le_1ms = ?5, loops_le_5ms = ?6, loops_le_10ms = ?7, "
                                  "loops_le_50ms = ?8, loops_le_100ms = ?9, loops_le_500ms = ?10, "
                                  "loops_le_1s = ?11, loops_le_5s = ?12 WHERE id = ?13"));
    st.Bind(1, at);
    BindLoop(st, 2, loop);
    st.Bind(13, id);
    RETURN_NOT_OK(st.Run());
    return sqlite::ExpectChanged(conn, JobName(id));
  });
}

Status SqliteStore::EndJob(int64_t id, JobState state, TimePoint at) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE job SET state = ?, end_date = ? WHERE id = ?"));
    RETURN_NOT_OK(st.BindAll(ToString(state), at, id).Run());
    return sqlite::ExpectChanged(conn, JobName(id));
  });
}

Result<JobModel> SqliteStore::GetMostRecentJob(std::string_view job_type) {
  return Read([&](Connection& conn) -> Result<JobModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kJobColumns + ", " + kBucketColumns +
                                  " FROM job WHERE job_type = ? ORDER BY state = 'running' DESC, "
                                  "latest_heartbeat DESC, id DESC LIMIT 1"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(job_type).Step());
    if (!row) return Status::NotFound("no " + std::string(job_type) + " has run yet");
    return ReadJob(st);
  });
}

}  // namespace sluice::orchestrator
