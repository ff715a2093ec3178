// `sluice dags test` end to end with real processes: every try runs as its own `sluice tasks
// run` process; states are read back from the metadata DB the runs wrote.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cli_home_util.h"
#include "orchestrator/sqlite_store.h"

namespace sluice::orchestrator {
namespace {

namespace fs = std::filesystem;

// A temporary home driven through the real binary (cli_home_util.h).
class DagsTestCommand : public testing::CliHome {};

constexpr const char* kRun = "manual__2026-11-02T00:00:00+00:00";

TEST_F(DagsTestCommand, RunsTasksInOrderWithTemplatesAndXCom) {
  WriteDag("hello.yml", R"(dag_id: hello
schedule: null
params: {who: world}
tasks:
  - {id: begin, operator: empty}
  - id: say
    operator: command
    upstream: [begin]
    command: [echo, "hello {{ params.who }} {{ ds }}"]
  - id: shout
    operator: bash
    upstream: [say]
    bash: "test '{{ xcom('say') }}' = 'hello world 2026-11-02' && echo ok"
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test hello 2026-11-02", &out), 0) << out;
  auto states = States("hello", kRun);
  EXPECT_EQ(states["begin"], "success/0") << "empty tasks are settled without a process";
  EXPECT_EQ(states["say"], "success/1");
  EXPECT_EQ(states["shout"], "success/1");
  EXPECT_NE(out.find("run " + std::string(kRun) + " of hello: success"), std::string::npos);
  EXPECT_TRUE(
      fs::exists(home_ + "/logs/dag_id=hello/run_id=" + kRun + "/task_id=say/attempt=1.log"));
  ASSERT_EQ(Sluice(std::string("tasks logs hello ") + kRun + " say", &out), 0);
  EXPECT_NE(out.find("hello world 2026-11-02"), std::string::npos) << out;
}

TEST_F(DagsTestCommand, FailureRetriesThenFailsAndTriggerRulesDecideTheRest) {
  WriteDag("fail.yml", R"(dag_id: fail
schedule: null
default_args: {retries: 1, retry_delay: 0s}
tasks:
  - {id: work, operator: bash, bash: "echo trying; exit 3"}
  - {id: after, operator: empty, upstream: [work]}
  - {id: cleanup, operator: bash, upstream: [work], trigger_rule: all_done, bash: "true"}
  - {id: alarm, operator: bash, upstream: [work], trigger_rule: one_failed, bash: "true"}
  - {id: happy, operator: bash, upstream: [work], trigger_rule: all_failed, retries: 0, bash: "exit 99"}
  - {id: below_skip, operator: empty, upstream: [happy]}
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test fail 2026-11-02", &out), 1) << out;
  auto states = States("fail", kRun);
  EXPECT_EQ(states["work"], "failed/2") << "one retry, then failed";
  EXPECT_EQ(states["after"], "upstream_failed/0");
  EXPECT_EQ(states["cleanup"], "success/1");
  EXPECT_EQ(states["alarm"], "success/1");
  EXPECT_EQ(states["happy"], "skipped/1") << "bash exit 99 skips";
  EXPECT_EQ(states["below_skip"], "skipped/0");
  for (int attempt : {1, 2}) {
    EXPECT_TRUE(fs::exists(home_ + "/logs/dag_id=fail/run_id=" + kRun +
                           "/task_id=work/attempt=" + std::to_string(attempt) + ".log"));
  }
}

TEST_F(DagsTestCommand, TeardownRunsAfterAFailedStepAndTheRunStillFails) {
  WriteDag("td.yml", R"(dag_id: td
schedule: null
tasks:
  - {id: create, operator: bash, bash: "echo cluster-1"}
  - {id: step, operator: bash, upstream: [create], bash: "exit 1"}
  - {id: terminate, operator: bash, upstream: [step], teardown_of: create,
     bash: "test '{{ xcom('create') }}' = cluster-1"}
  - {id: end, operator: empty, upstream: [terminate]}
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test td 2026-11-02", &out), 1) << out;
  auto states = States("td", kRun);
  EXPECT_EQ(states["step"], "failed/1");
  EXPECT_EQ(states["terminate"], "success/1") << "the cluster is still terminated";
  EXPECT_EQ(states["end"], "upstream_failed/0");
}

TEST_F(DagsTestCommand, ExecutionTimeoutKillsTheWholeProcessGroup) {
  std::string marker = home_ + "/child_survived";
  WriteDag("slow.yml", R"(dag_id: slow
schedule: null
tasks:
  - id: sleepy
    operator: bash
    execution_timeout: 1s
    bash: "(sleep 3; touch )" +
                           marker + R"() & sleep 30"
)");
  std::string out;
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Sluice("dags test slow 2026-11-02", &out), 1) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  EXPECT_EQ(States("slow", kRun)["sleepy"], "failed/1");
  ASSERT_EQ(Sluice(std::string("tasks logs slow ") + kRun + " sleepy", &out), 0);
  sleep(3);
  EXPECT_FALSE(fs::exists(marker)) << "a process the try started outlived the timeout";
}

TEST_F(DagsTestCommand, SensorsPokeAndReschedule) {
  std::string flag = home_ + "/flag";
  WriteDag("sense.yml", R"(dag_id: sense
schedule: null
tasks:
  - {id: make_flag, operator: bash, bash: "sleep 1; touch )" +
                            flag + R"("}
  - {id: poke, operator: bash_sensor, bash: "test -f )" +
                            flag + R"(", poke_interval: 0.2s, timeout: 20s}
  - {id: resched, operator: bash_sensor, mode: reschedule, bash: "test -f )" +
                            flag + R"(",
     poke_interval: 0.3s, timeout: 20s}
  - {id: never, operator: bash_sensor, bash: "false", poke_interval: 0.2s, timeout: 1s, soft_fail: true}
)");
  std::string out;
  EXPECT_EQ(Sluice("dags test sense 2026-11-02", &out), 0) << out;
  auto states = States("sense", kRun);
  EXPECT_EQ(states["poke"], "success/1");
  EXPECT_EQ(states["resched"], "success/1") << "a reschedule continues the same try";
  EXPECT_EQ(states["never"], "skipped/1") << "soft_fail turns a timeout into a skip";
  EXPECT_NE(out.find("resched: up_for_reschedule"), std::string::npos) << out;
}

TEST_F(DagsTestCommand, BrokenFilesAreListedWithoutHidingOthers) {
  WriteDag("good.yml", "dag_id: good\nschedule: null\ntasks:\n  - {id: a, operator: empty}\n");
  WriteDag("bad.yml", "dag_id: bad\nschedule: null\ntasks:\n  - {id: a, operator: nope}\n");
  std::string out;
  ASSERT_EQ(Sluice("dags list --output json", &out), 0) << out;
  EXPECT_NE(out.find("\"dag_id\": \"good\""), std::string::npos) << out;
  EXPECT_NE(out.find("bad.yml:4:"), std::string::npos) << out;
  EXPECT_NE(out.find("unknown operator 'nope'"), std::string::npos) << out;
}

}  // namespace
}  // namespace sluice::orchestrator
