// A real `sluice scheduler` keeps its row in the job table: created running with its pid, a
// heartbeat and loop counts written every scheduler_heartbeat_sec, ended when it stops cleanly,
// left running (its heartbeat growing old) when it is killed. A backfill keeps none.
#include "cli_home_util.h"

namespace sluice::orchestrator::testing {
namespace {

using std::chrono::seconds;

class SchedulerJob : public CliHome {
 protected:
  void SetUp() override {
    CliHome::SetUp();
    WriteConfig("scheduler_heartbeat_sec: 0.2\ndag_dir_list_interval: 0.2\n");
  }

  std::optional<JobModel> Job() {
    auto job = Store().GetMostRecentJob(kSchedulerJobType);
    if (!job.ok()) return std::nullopt;
    return *job;
  }
};

TEST_F(SchedulerJob, HeartbeatsWhileRunningAndEndsOnACleanStop) {
  StartScheduler();
  ASSERT_TRUE(WaitUntil([&] { return Job().has_value(); }, seconds(5))) << SchedulerLog();
  JobModel first = *Job();
  EXPECT_EQ(first.state, JobState::kRunning);
  EXPECT_EQ(first.pid, scheduler_);
  EXPECT_FALSE(first.hostname.empty());
  EXPECT_FALSE(first.end_date.has_value());
  // Loops are counted in memory and written with the heartbeat, which moves on.
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto job = Job();
        return job && job->loop.loops >= 2 && job->latest_heartbeat > first.latest_heartbeat;
      },
      seconds(10)))
      << SchedulerLog();
  JobModel later = *Job();
  EXPECT_EQ(later.id, first.id);
  EXPECT_GT(later.loop.total, Micros(0));
  EXPECT_TRUE(later.loop.last.has_value());
  EXPECT_LE(later.loop.at_most.front(), later.loop.at_most.back());
  EXPECT_LE(later.loop.at_most.back(), later.loop.loops);
  EXPECT_LT(Now() - later.latest_heartbeat, seconds(3));

  StopScheduler();
  JobModel ended = *Job();
  EXPECT_EQ(ended.id, first.id);
  EXPECT_EQ(ended.state, JobState::kSuccess);
  ASSERT_TRUE(ended.end_date.has_value());
  EXPECT_GE(ended.loop.loops, later.loop.loops);

  // The next scheduler gets a row of its own.
  StartScheduler();
  ASSERT_TRUE(WaitUntil([&] { return Job() && Job()->id != first.id; }, seconds(5)));
  EXPECT_EQ(Job()->state, JobState::kRunning);
}

TEST_F(SchedulerJob, AKilledSchedulerLeavesItsJobRunningWithAStaleHeartbeat) {
  StartScheduler();
  ASSERT_TRUE(WaitUntil([&] { return Job() && Job()->loop.loops > 0; }, seconds(10)))
      << SchedulerLog();
  kill(scheduler_, SIGKILL);
  int status = 0;
  waitpid(scheduler_, &status, 0);
  scheduler_ = 0;
  JobModel killed = *Job();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  JobModel after = *Job();
  EXPECT_EQ(after.state, JobState::kRunning);
  EXPECT_EQ(after.latest_heartbeat, killed.latest_heartbeat) << "nobody beats for it";
  EXPECT_FALSE(after.end_date.has_value());
}

TEST_F(SchedulerJob, ABackfillKeepsNoJob) {
  WriteDag("bf.yml",
           "dag_id: bf\nschedule: \"@daily\"\nstart_date: 2026-03-01\ntasks:\n"
           "  - {id: t, operator: empty}\n");
  std::string out;
  ASSERT_EQ(Sluice("dags backfill bf --from 2026-03-01 --to 2026-03-01", &out), 0) << out;
  EXPECT_FALSE(Job().has_value());
}

}  // namespace
}  // namespace sluice::orchestrator::testing
