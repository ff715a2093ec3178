// Pools (Airflow's semantics) with real processes, through `sluice dags test` and a running
// `sluice scheduler`: each bash try records when it started and ended, and the recorded
// intervals show how many tries of a pool ran at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_home_util.h"

namespace sluice::orchestrator::testing {
namespace {

using Interval = std::pair<int64_t, int64_t>;  // start, end, in nanoseconds

constexpr const char* kRun = "manual__2026-11-02T00:00:00+00:00";

// A bash task in `pool` (none: default_pool) that sleeps `sleep` and appends its interval to
// `file`.
std::string TimedTask(const std::string& id, const std::string& pool, const std::string& file,
                      const std::string& sleep = "1") {
  return "  - id: " + id + "\n    operator: bash\n" +
         (pool.empty() ? "" : "    pool: " + pool + "\n") + "    bash: 's=$(date +%s%N); sleep " +
         sleep + "; echo \"$s $(date +%s%N) " + id + "\" >> " + file + "'\n";
}

std::vector<Interval> Intervals(const std::string& file) {
  std::vector<Interval> out;
  for (const auto& line : Lines(file)) {
    std::istringstream in(line);
    Interval i;
    if (in >> i.first >> i.second) out.push_back(i);
  }
  return out;
}

// The most intervals that overlap at one instant.
int MaxConcurrent(const std::vector<Interval>& intervals) {
  std::vector<std::pair<int64_t, int>> events;  // ends sort before starts at the same instant
  for (const auto& [start, end] : intervals) {
    events.push_back({start, 1});
    events.push_back({end, -1});
  }
  std::sort(events.begin(), events.end());
  int now = 0, most = 0;
  for (const auto& [at, delta] : events) most = std::max(most, now += delta);
  return most;
}

class Pools : public CliHome {};

TEST_F(Pools, APoolRunsAtMostItsSlotsAtOnceWhileDefaultPoolTasksOverlap) {
  WriteConfig("parallelism: 8\npools: {single: 1, pair: 2}\n");
  const std::string single = home_ + "/single.txt", pair = home_ + "/pair.txt",
                    open = home_ + "/default.txt";
  std::string dag = "dag_id: pooled\nschedule: null\ntasks:\n";
  for (const char* id : {"s1", "s2", "s3"}) dag += TimedTask(id, "single", single);
  for (const char* id : {"p1", "p2", "p3", "p4"}) dag += TimedTask(id, "pair", pair);
  for (const char* id : {"d1", "d2", "d3"}) dag += TimedTask(id, "", open);
  WriteDag("pooled.yml", dag);

  std::string out;
  ASSERT_EQ(Sluice("dags test pooled 2026-11-02", &out), 0) << out;
  auto states = States("pooled", kRun);
  for (const auto& [task, state] : states) EXPECT_EQ(state, "success/1") << task;
  ASSERT_EQ(Intervals(single).size(), 3u);
  ASSERT_EQ(Intervals(pair).size(), 4u);
  ASSERT_EQ(Intervals(open).size(), 3u);
  EXPECT_EQ(MaxConcurrent(Intervals(single)), 1) << ReadFile(single);
  EXPECT_EQ(MaxConcurrent(Intervals(pair)), 2) << ReadFile(pair);
  EXPECT_GE(MaxConcurrent(Intervals(open)), 2) << "default_pool has 128 slots\n" << ReadFile(open);
}

TEST_F(Pools, ExecutorParallelismStillAppliesOnTopOfAPool) {
  WriteConfig("parallelism: 2\npools: {wide: 10}\n");
  const std::string file = home_ + "/wide.txt";
  std::string dag = "dag_id: narrow\nschedule: null\ntasks:\n";
  for (const char* id : {"w1", "w2", "w3", "w4"}) dag += TimedTask(id, "wide", file);
  WriteDag("narrow.yml", dag);
  std::string out;
  ASSERT_EQ(Sluice("dags test narrow 2026-11-02", &out), 0) << out;
  ASSERT_EQ(Intervals(file).size(), 4u);
  EXPECT_EQ(MaxConcurrent(Intervals(file)), 2) << ReadFile(file);
}

TEST_F(Pools, SensorInRescheduleModeFreesItsSlotWhileWaiting) {
  WriteConfig("pools: {single: 1}\n");
  const std::string flag = home_ + "/flag";
  // The sensor takes the only slot first; the task that makes its condition true needs the
  // same slot, one second later.
  WriteDag("resched.yml", R"(dag_id: resched
schedule: null
tasks:
  - {id: wait, operator: bash_sensor, pool: single, mode: reschedule, poke_interval: 0.3s,
     timeout: 20s, bash: "test -f )" +
                              flag + R"("}
  - {id: delay, operator: bash, bash: "sleep 1"}
  - {id: make_flag, operator: bash, pool: single, upstream: [delay], bash: "touch )" +
                              flag +
                              R"("}
)");
  std::string out;
  ASSERT_EQ(Sluice("dags test resched 2026-11-02", &out), 0) << out;
  auto states = States("resched", kRun);
  EXPECT_EQ(states["wait"], "success/1");
  EXPECT_EQ(states["make_flag"], "success/1");
  EXPECT_NE(out.find("wait: up_for_reschedule"), std::string::npos) << out;
}

TEST_F(Pools, SensorInPokeModeKeepsItsSlotUntilItEnds) {
  WriteConfig("pools: {single: 1}\n");
  const std::string flag = home_ + "/flag";
  WriteDag("poke.yml", R"(dag_id: poke
schedule: null
tasks:
  - {id: wait, operator: bash_sensor, pool: single, poke_interval: 0.3s, timeout: 3s,
     bash: "test -f )" + flag +
                           R"("}
  - {id: delay, operator: bash, bash: "sleep 1"}
  - {id: make_flag, operator: bash, pool: single, upstream: [delay], bash: "touch )" +
                           flag +
                           R"("}
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test poke 2026-11-02", &out), 1) << out;
  auto states = States("poke", kRun);
  EXPECT_EQ(states["wait"], "failed/1") << "the flag could not be made while it poked";
  EXPECT_EQ(states["make_flag"], "success/1");
  auto wait = Store().GetTaskInstance({"poke", kRun, "wait"});
  auto make = Store().GetTaskInstance({"poke", kRun, "make_flag"});
  ASSERT_TRUE(wait.ok() && make.ok());
  ASSERT_TRUE(wait->end_date && make->start_date);
  EXPECT_GE(*make->start_date, *wait->end_date) << "make_flag ran while the sensor held the slot";
}

TEST_F(Pools, EmptyTasksUseNoSlotAndAPoolOfZeroSlotsHoldsItsTasks) {
  WriteConfig("pools: {closed: 0}\n");
  const std::string ran = home_ + "/ran";
  WriteDag("closed.yml", R"(dag_id: closed
schedule: null
tasks:
  - {id: begin, operator: empty, pool: closed}
  - {id: work, operator: bash, pool: closed, upstream: [begin], bash: "touch )" +
                             ran + R"("}
)");
  std::string out;
  EXPECT_NE(Sluice("dags test closed 2026-11-02", &out), 0) << out;
  EXPECT_NE(out.find("cannot go on"), std::string::npos) << out;
  auto states = States("closed", kRun);
  EXPECT_EQ(states["begin"], "success/0") << "the scheduler settles empty tasks without a slot";
  EXPECT_EQ(states["work"], "scheduled/0");
  EXPECT_FALSE(std::filesystem::exists(ran));
}

TEST_F(Pools, UndefinedPoolFailsTheTaskSayingWhereToDefineIt) {
  WriteConfig("pools: {single: 1}\n");
  const std::string ran = home_ + "/ran";
  WriteDag("undef.yml", R"(dag_id: undef
schedule: null
tasks:
  - {id: t, operator: bash, pool: nosuch, retries: 2, retry_delay: 0s, bash: "touch )" +
                            ran +
                            R"("}
  - {id: after, operator: empty, upstream: [t]}
  - {id: fine, operator: bash, bash: "true"}
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test undef 2026-11-02", &out), 1) << out;
  auto states = States("undef", kRun);
  EXPECT_EQ(states["t"], "failed/1") << "no retry: retrying cannot define the pool";
  EXPECT_EQ(states["after"], "upstream_failed/0");
  EXPECT_EQ(states["fine"], "success/1");
  EXPECT_FALSE(std::filesystem::exists(ran)) << "the task ran";
  const std::string expected =
      "pool 'nosuch' is not defined: define it under `pools:` in " + home_ + "/sluice.yml";
  EXPECT_NE(out.find(expected), std::string::npos) << out;

  std::string log;
  ASSERT_EQ(Sluice(std::string("tasks logs undef ") + kRun + " t", &log), 0) << log;
  EXPECT_NE(log.find(expected), std::string::npos) << log;
  EXPECT_NE(log.find("undef.yml:4:"), std::string::npos) << "names the task's pool key\n" << log;
  auto tries = Store().ListTries({"undef", kRun, "t"});
  ASSERT_TRUE(tries.ok() && tries->size() == 1u);
  EXPECT_NE((*tries)[0].error.find(expected), std::string::npos) << (*tries)[0].error;
}

TEST_F(Pools, BadPoolsConfigIsRefusedWithItsPosition) {
  WriteConfig("parallelism: 4\npools:\n  single: many\n");
  WriteDag("any.yml", "dag_id: any\nschedule: null\ntasks:\n  - {id: a, operator: empty}\n");
  std::string out;
  EXPECT_NE(Sluice("dags test any 2026-11-02", &out), 0) << out;
  EXPECT_NE(out.find("sluice.yml:3:11: pools: single: slots must be a whole number"),
            std::string::npos)
      << out;
}

TEST_F(Pools, SchedulerCountsAPoolAcrossRuns) {
  WriteConfig("parallelism: 8\ndag_dir_list_interval: 0.2\npools: {single: 1}\n");
  const std::string single = home_ + "/single.txt", open = home_ + "/default.txt";
  std::string dag = "dag_id: sched_pool\nschedule: null\nmax_active_runs: 2\ntasks:\n";
  dag += TimedTask("a", "single", single, "0.5");
  dag += TimedTask("b", "single", single, "0.5");
  dag += TimedTask("x", "", open, "1.5");
  WriteDag("sched_pool.yml", dag);
  std::string out;
  ASSERT_EQ(Sluice("dags unpause sched_pool", &out), 0) << out;  // new DAGs start paused
  ASSERT_EQ(Sluice("dags trigger sched_pool --run-id r1 --logical-date 2026-11-01", &out), 0)
      << out;
  ASSERT_EQ(Sluice("dags trigger sched_pool --run-id r2 --logical-date 2026-11-02", &out), 0)
      << out;
  StartScheduler();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return RunState("sched_pool", "r1") == "success" &&
               RunState("sched_pool", "r2") == "success";
      },
      std::chrono::seconds(30)))
      << SchedulerLog() << ReadFile(single);
  ASSERT_EQ(Intervals(single).size(), 4u);
  EXPECT_EQ(MaxConcurrent(Intervals(single)), 1) << ReadFile(single);
  ASSERT_EQ(Intervals(open).size(), 2u);
  EXPECT_EQ(MaxConcurrent(Intervals(open)), 2) << "both runs were running\n" << ReadFile(open);
}

}  // namespace
}  // namespace sluice::orchestrator::testing
