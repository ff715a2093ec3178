// The job table (a scheduler's heartbeat and loop times) in the SQLite store, and
// JobHeartbeat, which writes it at most once per interval.
#include <unistd.h>

#include "orchestrator/job_heartbeat.h"
#include "store_test_util.h"

namespace sluice::orchestrator::testing {
namespace {

using std::chrono::milliseconds;

JobModel SchedulerJob(TimePoint heartbeat, JobState state = JobState::kRunning) {
  JobModel job;
  job.job_type = std::string(kSchedulerJobType);
  job.state = state;
  job.hostname = "box";
  job.pid = 42;
  job.start_date = heartbeat;
  job.latest_heartbeat = heartbeat;
  return job;
}

class SqliteJobsTest : public StoreTest {};

TEST(LoopStatsTest, CountsLoopsCumulativelyByBound) {
  LoopStats s;
  s.Observe(Micros(500));              // <= 1 ms
  s.Observe(milliseconds(7));          // <= 10 ms
  s.Observe(milliseconds(100));        // exactly a bound: counted in it
  s.Observe(std::chrono::seconds(9));  // beyond the last bound: +Inf only
  EXPECT_EQ(s.loops, 4);
  EXPECT_EQ(s.total, Micros(500) + milliseconds(7) + milliseconds(100) + std::chrono::seconds(9));
  EXPECT_EQ(s.last, std::chrono::seconds(9));
  // Bounds: 1ms 5ms 10ms 50ms 100ms 500ms 1s 5s.
  std::array<int64_t, 8> want = {1, 1, 2, 2, 3, 3, 3, 3};
  EXPECT_EQ(s.at_most, want);
}

TEST_F(SqliteJobsTest, CreateHeartbeatAndEndRoundTrip) {
  ASSERT_OK_AND_ASSIGN(JobModel job, store_->CreateJob(SchedulerJob(Day(0))));
  EXPECT_GT(job.id, 0);
  ASSERT_OK_AND_ASSIGN(JobModel got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.id, job.id);
  EXPECT_EQ(got.state, JobState::kRunning);
  EXPECT_EQ(got.hostname, "box");
  EXPECT_EQ(got.pid, 42);
  EXPECT_EQ(got.loop.loops, 0);
  EXPECT_FALSE(got.loop.last.has_value());
  EXPECT_FALSE(got.end_date.has_value());

  LoopStats loop;
  loop.Observe(milliseconds(3));
  loop.Observe(milliseconds(70));
  TimePoint beat = Day(0) + std::chrono::seconds(5);
  ASSERT_OK(store_->HeartbeatJob(job.id, beat, loop));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.latest_heartbeat, beat);
  EXPECT_EQ(got.loop.loops, 2);
  EXPECT_EQ(got.loop.total, milliseconds(73));
  EXPECT_EQ(got.loop.last, milliseconds(70));
  EXPECT_EQ(got.loop.at_most, loop.at_most);

  TimePoint end = beat + std::chrono::seconds(1);
  ASSERT_OK(store_->EndJob(job.id, JobState::kSuccess, end));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.state, JobState::kSuccess);
  EXPECT_EQ(got.end_date, end);
}

TEST_F(SqliteJobsTest, MostRecentPrefersARunningJobThenTheLatestHeartbeat) {
  EXPECT_EQ(store_->GetMostRecentJob(kSchedulerJobType).status().code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(JobModel old_running, store_->CreateJob(SchedulerJob(Day(0))));
  ASSERT_OK_AND_ASSIGN(JobModel ended, store_->CreateJob(SchedulerJob(Day(2), JobState::kSuccess)));
  JobModel other = SchedulerJob(Day(5));
  other.job_type = "BackfillJob";
  ASSERT_OK(store_->CreateJob(other).status());
  // A running scheduler, even with an older heartbeat, is the one a health check looks at.
  ASSERT_OK_AND_ASSIGN(JobModel got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.id, old_running.id);
  ASSERT_OK(store_->EndJob(old_running.id, JobState::kFailed, Day(1)));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.id, ended.id) << "none runs: the latest heartbeat";
  ASSERT_OK_AND_ASSIGN(JobModel newer, store_->CreateJob(SchedulerJob(Day(1))));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.id, newer.id);
}

TEST_F(SqliteJobsTest, UnknownJobsAreNotFound) {
  EXPECT_EQ(store_->HeartbeatJob(99, Day(0), {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->EndJob(99, JobState::kSuccess, Day(0)).code(), StatusCode::kNotFound);
}

TEST_F(SqliteJobsTest, HeartbeatWritesAtMostOncePerIntervalAndEndMarksTheJob) {
  auto beat = JobHeartbeat::Start(store_.get(), kSchedulerJobType, std::chrono::seconds(5));
  ASSERT_TRUE(beat.ok()) << beat.status().ToString();
  JobHeartbeat& hb = **beat;
  ASSERT_OK_AND_ASSIGN(JobModel started, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(started.id, hb.id());
  EXPECT_EQ(started.pid, getpid());
  EXPECT_EQ(started.hostname, Hostname());
  EXPECT_FALSE(started.hostname.empty());
  TimePoint t0 = started.start_date;

  hb.Loop(milliseconds(2), t0 + std::chrono::seconds(1));
  hb.Loop(milliseconds(2), t0 + std::chrono::seconds(2));
  ASSERT_OK_AND_ASSIGN(JobModel got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.loop.loops, 0) << "no write before the interval has passed";
  EXPECT_EQ(got.latest_heartbeat, t0);

  hb.Loop(milliseconds(4), t0 + std::chrono::seconds(5));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.loop.loops, 3);
  EXPECT_EQ(got.loop.total, milliseconds(8));
  EXPECT_EQ(got.latest_heartbeat, t0 + std::chrono::seconds(5));

  hb.Loop(milliseconds(1), t0 + std::chrono::seconds(6));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.loop.loops, 3) << "the next write waits another interval";

  ASSERT_OK(hb.End(JobState::kSuccess));
  ASSERT_OK_AND_ASSIGN(got, store_->GetMostRecentJob(kSchedulerJobType));
  EXPECT_EQ(got.state, JobState::kSuccess);
  EXPECT_EQ(got.loop.loops, 4) << "ending writes the last counts";
  EXPECT_TRUE(got.end_date.has_value());
}

}  // namespace
}  // namespace sluice::orchestrator::testing
