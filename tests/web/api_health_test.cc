// /api/v1/health and the scheduler part of /metrics, from a real `sluice server` while a real
// `sluice scheduler` runs on the same home, stops cleanly, and dies (kill -9).
#include "common/time_util.h"
#include "prometheus_text.h"
#include "server_process.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

class SchedulerHealth : public ServerProcess {
 protected:
  SchedulerHealth() {
    // Heartbeats every 0.2 s; a heartbeat older than 2 s is a dead scheduler.
    config_ = "scheduler_heartbeat_sec: 0.2\nscheduler_health_check_threshold: 2\n";
  }

  void TearDown() override {
    if (scheduler_ > 0) StopScheduler(SIGKILL);
    ServerProcess::TearDown();
  }

  void StartScheduler() {
    scheduler_ = Spawn({"scheduler"}, home_ + "/scheduler.out");
    ASSERT_GT(scheduler_, 0);
  }

  // Sends `signal` and reaps the scheduler; its exit status.
  int StopScheduler(int signal) {
    kill(scheduler_, signal);
    int status = 0;
    waitpid(scheduler_, &status, 0);
    scheduler_ = -1;
    return status;
  }

  Json Health() {
    Reply r = Http("GET", "/api/v1/health");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  std::map<std::string, double> Metrics() { return ParsePrometheus(Http("GET", "/metrics").body); }

  pid_t scheduler_ = -1;
};

TEST_F(SchedulerHealth, HealthAndMetricsFollowTheSchedulersHeartbeat) {
  // No scheduler has run on this home yet.
  Json health = Health();
  EXPECT_EQ(health["metadatabase"]["status"], "healthy");
  EXPECT_EQ(health["scheduler"]["status"], "unhealthy");
  EXPECT_TRUE(health["scheduler"]["latest_scheduler_heartbeat"].is_null()) << health;
  auto metrics = Metrics();
  EXPECT_EQ(metrics["sluice_scheduler_healthy"], 0);
  EXPECT_FALSE(metrics.count("sluice_scheduler_loop_duration_seconds_count"));

  StartScheduler();
  ASSERT_TRUE(WaitFor([&] { return Health()["scheduler"]["status"] == "healthy"; }, 15))
      << Health() << ReadFile(home_ + "/scheduler.out");
  std::string first = Health()["scheduler"]["latest_scheduler_heartbeat"];
  ASSERT_TRUE(ParseTimePoint(first).ok()) << first;
  // The heartbeat moves on while the scheduler loops; /metrics is at most 1 s behind.
  ASSERT_TRUE(WaitFor(
      [&] {
        return Health()["scheduler"]["latest_scheduler_heartbeat"] != first &&
               Metrics()["sluice_scheduler_loop_duration_seconds_count"] >= 3;
      },
      10))
      << Health() << Http("GET", "/metrics").body;
  metrics = Metrics();
  double count = metrics["sluice_scheduler_loop_duration_seconds_count"];
  const std::string bucket = "sluice_scheduler_loop_duration_seconds_bucket{le=\"";
  double previous = 0;
  for (const char* le : {"0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "+Inf"}) {
    ASSERT_TRUE(metrics.count(bucket + le + "\"}")) << le << "\n" << Http("GET", "/metrics").body;
    double n = metrics[bucket + le + "\"}"];
    EXPECT_GE(n, previous) << "buckets are cumulative: " << le;
    previous = n;
  }
  EXPECT_EQ(previous, count) << "+Inf holds every loop";
  EXPECT_GT(metrics["sluice_scheduler_loop_duration_seconds_sum"], 0);
  EXPECT_LT(metrics["sluice_scheduler_loop_duration_seconds_sum"], count);  // < 1 s a loop
  EXPECT_GE(metrics["sluice_scheduler_heartbeat_age_seconds"], 0);
  EXPECT_LT(metrics["sluice_scheduler_heartbeat_age_seconds"], 2);
  EXPECT_EQ(metrics["sluice_scheduler_healthy"], 1);

  // A clean stop ends the job: unhealthy at once, the last heartbeat still shown.
  int status = StopScheduler(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(home_ + "/scheduler.out");
  health = Health();
  EXPECT_EQ(health["scheduler"]["status"], "unhealthy") << health;
  EXPECT_TRUE(health["scheduler"]["latest_scheduler_heartbeat"].is_string()) << health;

  // A scheduler killed outright leaves its job running: unhealthy once the heartbeat is stale.
  StartScheduler();
  ASSERT_TRUE(WaitFor([&] { return Health()["scheduler"]["status"] == "healthy"; }, 15))
      << Health();
  StopScheduler(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Health()["scheduler"]["status"] == "unhealthy"; }, 10))
      << Health();
  EXPECT_TRUE(WaitFor([&] { return Metrics()["sluice_scheduler_healthy"] == 0; }, 3));
  EXPECT_GE(Metrics()["sluice_scheduler_heartbeat_age_seconds"], 2);
}

}  // namespace
}  // namespace sluice::web::testing
