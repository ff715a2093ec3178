// `sluice scheduler` as a long-running process, with real try processes: schedules and
// catchup, manual triggers, pause, restarts after kill -9, zombies, depends_on_past,
// backfill, clear, next-runs and DAG files edited under a running scheduler.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_home_util.h"
#include "common/time_util.h"
#include "orchestrator/sqlite_store.h"

extern char** environ;

namespace sluice::orchestrator {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Lines;
using testing::ReadFile;
using testing::WaitUntil;

// Midnight UTC `days` days from today (negative: in the past).
TimePoint Midnight(int days) {
  auto today = std::chrono::floor<std::chrono::days>(Now());
  return TimePoint(today + std::chrono::days(days));
}

// Whether `pid` exists and is not a zombie.
bool Alive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

class SchedulerProcess : public ::testing::Test {
 protected:
  // Tries outlive a scheduler killed with -9; as a subreaper the test inherits them and
  // reaps them in TearDown (this machine's init does not).
  static void SetUpTestSuite() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sluice_sched_XXXXXX";
    home_ = mkdtemp(pattern.data());
    fs::create_directories(home_ + "/dags");
    // These tests are about scheduling: their DAGs start unpaused, as in Airflow's own
    // scheduler tests (NewDagsStartPausedByDefault checks the default).
    std::ofstream(home_ + "/sluice.yml")
        << "dag_dir_list_interval: 0.2\nparallelism: 4\ndags_are_paused_at_creation: false\n";
  }

  void TearDown() override {
    if (scheduler_ > 0) StopScheduler();
    KillAndReapStrays();
    fs::remove_all(home_);
  }

  void WriteDag(const std::string& name, const std::string& yaml) {
    // Written aside and renamed, as an editor or a deploy does: never read half-written.
    std::string tmp = home_ + "/" + name + ".tmp";
    std::ofstream(tmp) << yaml;
    fs::rename(tmp, home_ + "/dags/" + name);
  }

  // Runs `sluice <args>` with this home; returns the exit code, stdout (+ stderr unless
  // `json`) in *output.
  int Sluice(const std::string& args, std::string* output = nullptr, bool json = false) {
    return testing::RunSluice(home_, args, output, json ? home_ + "/cli_stderr.log" : "");
  }

  nlohmann::json SluiceJson(const std::string& args) {
    std::string out;
    EXPECT_EQ(Sluice(args + " --output json", &out, true), 0) << out;
    auto j = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out;
    return j;
  }

  void StartScheduler() {
    ASSERT_LE(scheduler_, 0) << "a scheduler is already running";
    log_ = home_ + "/scheduler." + std::to_string(++starts_) + ".log";
    pid_t pid = testing::SpawnSluice(home_, "scheduler", log_);
    ASSERT_GT(pid, 0);
    scheduler_ = pid;
    ASSERT_TRUE(WaitUntil([&] { return SchedulerSaid("scheduler started"); }, seconds(10)))
        << ReadFile(log_);
  }

  // SIGTERM, then waits: the scheduler stops by itself, promptly, with status 0.
  void StopScheduler() {
    auto start = std::chrono::steady_clock::now();
    kill(scheduler_, SIGTERM);
    int status = WaitExit(scheduler_, seconds(10));
    scheduler_ = 0;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n"
                                                               << ReadFile(log_);
    EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3)) << "slow to stop";
    EXPECT_TRUE(SchedulerSaid("scheduler stopped")) << ReadFile(log_);
  }

  void KillScheduler() {
    kill(scheduler_, SIGKILL);
    WaitExit(scheduler_, seconds(10));
    scheduler_ = 0;
  }

  // Waits for `pid` (our child) to end, SIGKILL past `limit`; returns its wait status.
  static int WaitExit(pid_t pid, std::chrono::steady_clock::duration limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "pid " << pid << " did not stop; killing it";
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return status;
  }

  // Try processes left behind (inherited as the subreaper): killed with their groups, reaped.
  void KillAndReapStrays() {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string stat = ReadFile(entry.path().string() + "/stat");
      size_t paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      std::istringstream rest(stat.substr(paren + 2));
      char state;
      int ppid = 0;
      rest >> state >> ppid;
      if (ppid != getpid()) continue;
      pid_t pid = std::stoi(name);
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

  bool SchedulerSaid(const std::string& text) {
    return ReadFile(log_).find(text) != std::string::npos;
  }

  SqliteStore& Store() {
    if (!store_) {
      auto opened = SqliteStore::Open(home_ + "/sluice.db");
      EXPECT_TRUE(opened.ok()) << opened.status().message();
      store_ = std::move(*opened);
    }
    return *store_;
  }

  std::vector<DagRunModel> Runs(const std::string& dag) {
    DagRunQuery q;
    q.dag_id = dag;
    auto runs = Store().ListDagRuns(q);
    return runs.ok() ? *runs : std::vector<DagRunModel>{};
  }

  std::string RunState(const std::string& dag, const std::string& run) {
    auto r = Store().GetDagRun({dag, run});
    return r.ok() ? std::string(ToString(r->state)) : "absent";
  }

  TaskInstanceModel Ti(const std::string& dag, const std::string& run, const std::string& task) {
    auto ti = Store().GetTaskInstance({dag, run, task});
    return ti.ok() ? *ti : TaskInstanceModel{};
  }

  // "state/try_number" per task.
  std::map<std::string, std::string> States(const std::string& dag, const std::string& run) {
    std::map<std::string, std::string> out;
    auto tis = Store().ListTaskInstances({dag, run});
    if (!tis.ok()) return out;
    for (const auto& ti : *tis) {
      out[ti.task_id] = std::string(ToString(ti.state)) + "/" + std::to_string(ti.try_number);
    }
    return out;
  }

  // Waits until every run of `dag` is finished and there are `count` of them.
  bool WaitForFinishedRuns(const std::string& dag, size_t count, std::chrono::milliseconds limit) {
    return WaitUntil(
        [&] {
          auto runs = Runs(dag);
          if (runs.size() != count) return false;
          for (const auto& r : runs) {
            if (r.state != DagRunState::kSuccess && r.state != DagRunState::kFailed) return false;
          }
          return true;
        },
        limit);
  }

  std::string Diagnostics() {
    std::string out = "--- scheduler log ---\n" + ReadFile(log_);
    if (fs::exists(home_ + "/logs")) {
      for (const auto& e : fs::recursive_directory_iterator(home_ + "/logs")) {
        if (e.is_regular_file()) out += "--- " + e.path().string() + "\n" + ReadFile(e.path());
      }
    }
    return out;
  }

  std::string home_;
  std::string log_;
  pid_t scheduler_ = 0;
  int starts_ = 0;
  std::unique_ptr<SqliteStore> store_;
};

std::string Scheduled(TimePoint logical) { return "scheduled__" + FormatIso8601(logical); }

TEST_F(SchedulerProcess, CatchupCreatesOneRunPerIntervalOneAtATime) {
  const std::string spans = home_ + "/spans.txt";
  auto dag = [&](const std::string& id, bool catchup) {
    return "dag_id: " + id + "\nschedule: \"@daily\"\nstart_date: " + FormatDate(Midnight(-3)) +
           "\ncatchup: " + (catchup ? "true" : "false") + R"y(
max_active_runs: 1
tasks:
  - id: work
    operator: bash
    bash: |
      echo ")y" +
           id + R"y( {{ run_id }} start $(date +%s.%N)" >> )y" + spans + R"y(
      sleep 0.3
      echo ")y" +
           id + R"y( {{ run_id }} end $(date +%s.%N)" >> )y" + spans + "\n";
  };
  WriteDag("catchup.yml", dag("catchup", true));
  WriteDag("latest.yml", dag("latest", false));
  std::string ended = dag("ended", true);
  ended.replace(ended.find("max_active_runs"), 0, "end_date: " + FormatDate(Midnight(-2)) + "\n");
  WriteDag("ended.yml", ended);
  StartScheduler();
  ASSERT_TRUE(WaitForFinishedRuns("catchup", 3, seconds(20))) << Diagnostics();
  ASSERT_TRUE(WaitForFinishedRuns("latest", 1, seconds(5))) << Diagnostics();
  ASSERT_TRUE(WaitForFinishedRuns("ended", 2, seconds(5))) << Diagnostics();
  std::this_thread::sleep_for(milliseconds(400));  // a few more loops: nothing else is due
  StopScheduler();

  std::vector<std::string> expected = {Scheduled(Midnight(-1)), Scheduled(Midnight(-2)),
                                       Scheduled(Midnight(-3))};
  nlohmann::json runs = SluiceJson("dags runs catchup");
  ASSERT_EQ(runs.size(), 3u) << runs.dump(1);
  for (size_t i = 0; i < 3; ++i) {  // newest first
    EXPECT_EQ(runs[i]["run_id"], expected[i]) << runs.dump(1);
    EXPECT_EQ(runs[i]["state"], "success") << runs.dump(1);
    EXPECT_EQ(runs[i]["run_type"], "scheduled") << runs.dump(1);
    EXPECT_EQ(runs[i]["logical_date"], FormatIso8601(Midnight(-1 - static_cast<int>(i))));
  }
  nlohmann::json latest = SluiceJson("dags runs latest");
  ASSERT_EQ(latest.size(), 1u) << latest.dump(1);
  EXPECT_EQ(latest[0]["run_id"], Scheduled(Midnight(-1))) << "catchup false: the latest only";
  EXPECT_EQ(latest[0]["state"], "success");
  auto ended_runs = Runs("ended");  // no interval starting after end_date
  ASSERT_EQ(ended_runs.size(), 2u);
  EXPECT_EQ(ended_runs[0].run_id, Scheduled(Midnight(-2)));
  EXPECT_EQ(ended_runs[1].run_id, Scheduled(Midnight(-3)));

  // max_active_runs 1: the task's spans of different runs never overlap (the other DAGs'
  // runs, with the same run ids, may overlap these).
  std::map<std::string, std::pair<double, double>> span;
  for (const auto& line : Lines(spans)) {
    std::istringstream in(line);
    std::string dag_id, run, what;
    double t = 0;
    in >> dag_id >> run >> what >> t;
    if (dag_id != "catchup" || run.rfind("scheduled__", 0) != 0) continue;
    (what == "start" ? span[run].first : span[run].second) = t;
  }
  std::vector<std::pair<double, double>> catchup_spans;
  for (const auto& id : expected) {
    ASSERT_TRUE(span.count(id)) << ReadFile(spans);
    catchup_spans.push_back(span[id]);
  }
  std::sort(catchup_spans.begin(), catchup_spans.end());
  for (size_t i = 1; i < catchup_spans.size(); ++i) {
    EXPECT_GE(catchup_spans[i].first, catchup_spans[i - 1].second) << ReadFile(spans);
  }
  // And the runs themselves, as the metadata DB saw them.
  auto stored = Runs("catchup");
  std::reverse(stored.begin(), stored.end());
  for (size_t i = 1; i < stored.size(); ++i) {
    ASSERT_TRUE(stored[i].start_date && stored[i - 1].end_date);
    EXPECT_GE(*stored[i].start_date, *stored[i - 1].end_date) << stored[i].run_id;
  }
}

TEST_F(SchedulerProcess, ManualTriggerIsPickedUpAtOnceWithItsConf) {
  const std::string out_file = home_ + "/conf.txt";
  WriteDag("trig.yml", R"(dag_id: trig
schedule: null
tasks:
  - id: show
    operator: bash
    bash: 'echo "x={{ dag_run.conf.x }}" > )" +
                           out_file + R"('
)");
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice(R"(dags trigger trig --conf '{"x": 5}')", &out), 0) << out;
  auto triggered = std::chrono::steady_clock::now();
  auto runs = Runs("trig");
  ASSERT_EQ(runs.size(), 1u);
  const std::string id = runs[0].run_id;
  EXPECT_EQ(id.rfind("manual__", 0), 0u) << id;
  EXPECT_NE(out.find(id), std::string::npos) << out;
  ASSERT_TRUE(WaitUntil([&] { return RunState("trig", id) == "success"; }, seconds(5)))
      << Diagnostics();
  EXPECT_LT(std::chrono::steady_clock::now() - triggered, seconds(3));
  auto run = Store().GetDagRun({"trig", id});
  ASSERT_TRUE(run.ok() && run->queued_at);
  auto ti = Ti("trig", id, "show");
  ASSERT_TRUE(ti.start_date.has_value());
  EXPECT_LT(*ti.start_date - *run->queued_at, seconds(2)) << "picked up late";
  EXPECT_EQ(ReadFile(out_file), "x=5\n");
  EXPECT_EQ(run->conf, nlohmann::json({{"x", 5}}));
}

TEST_F(SchedulerProcess, PausedDagGetsNoNewRunsAndUnpauseResumes) {
  const std::string first = FormatDate(Midnight(-3));
  WriteDag("p.yml", "dag_id: p\nschedule: \"@daily\"\nstart_date: " + first + R"(
catchup: true
max_active_runs: 1
tasks:
  - id: t
    operator: bash
    bash: 'if [ "{{ ds }}" = ")" +
                        first + R"(" ]; then sleep 1.5; fi'
)");
  std::string out;
  ASSERT_EQ(Sluice("dags pause p", &out), 0) << out;
  StartScheduler();
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(Runs("p").size(), 0u) << "a paused DAG got a run";

  ASSERT_EQ(Sluice("dags unpause p", &out), 0) << out;
  ASSERT_TRUE(WaitUntil([&] { return !Runs("p").empty(); }, seconds(3))) << Diagnostics();
  ASSERT_EQ(Sluice("dags pause p", &out), 0) << out;  // while the first run's task sleeps
  ASSERT_TRUE(WaitForFinishedRuns("p", 1, seconds(10))) << Diagnostics();
  std::this_thread::sleep_for(seconds(1));
  auto runs = Runs("p");
  ASSERT_EQ(runs.size(), 1u) << "paused mid-catchup, yet a new run was created";
  EXPECT_EQ(runs[0].run_id, Scheduled(Midnight(-3)));
  EXPECT_EQ(ToString(runs[0].state), "success");

  ASSERT_EQ(Sluice("dags unpause p", &out), 0) << out;
  ASSERT_TRUE(WaitForFinishedRuns("p", 3, seconds(10))) << Diagnostics();
  for (const auto& r : Runs("p")) EXPECT_EQ(ToString(r.state), "success") << r.run_id;
}

TEST_F(SchedulerProcess, PausedDagKeepsItsTriggeredRunQueuedUntilUnpaused) {
  WriteDag("m.yml",
           "dag_id: m\nschedule: null\ntasks:\n  - {id: t, operator: bash, bash: 'true'}\n");
  std::string out;
  ASSERT_EQ(Sluice("dags pause m", &out), 0) << out;
  StartScheduler();
  ASSERT_EQ(Sluice("dags trigger m", &out), 0) << out;
  std::this_thread::sleep_for(seconds(1));
  auto runs = Runs("m");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(ToString(runs[0].state), "queued") << "a paused DAG started a run";
  ASSERT_EQ(Sluice("dags unpause m", &out), 0) << out;
  ASSERT_TRUE(WaitForFinishedRuns("m", 1, seconds(10))) << Diagnostics();
  EXPECT_EQ(ToString(Runs("m")[0].state), "success");
}

// Airflow's dags_are_paused_at_creation, true unless sluice.yml says otherwise: a new DAG gets
// no scheduled run and starts no triggered run until it is unpaused; `dags test` runs anyway.
TEST_F(SchedulerProcess, NewDagsStartPausedByDefault) {
  std::ofstream(home_ + "/sluice.yml") << "dag_dir_list_interval: 0.2\nparallelism: 4\n";
  WriteDag("fresh.yml",
           "dag_id: fresh\nschedule: \"@daily\"\nstart_date: " + FormatDate(Midnight(-2)) +
               "\ncatchup: true\ntasks:\n  - {id: t, operator: bash, bash: 'true'}\n");
  std::string out;
  ASSERT_EQ(Sluice("dags test fresh " + FormatDate(Midnight(-10)), &out), 0) << out;
  nlohmann::json listed = SluiceJson("dags list");
  ASSERT_EQ(listed.size(), 1u) << listed;
  EXPECT_EQ(listed[0]["is_paused"], true) << listed;
  StartScheduler();
  ASSERT_EQ(Sluice("dags trigger fresh --run-id by_hand", &out), 0) << out;
  std::this_thread::sleep_for(seconds(1));
  ASSERT_EQ(Runs("fresh").size(), 2u) << "a DAG paused at creation got a scheduled run";
  EXPECT_EQ(RunState("fresh", "by_hand"), "queued") << "a DAG paused at creation ran";
  ASSERT_EQ(Sluice("dags unpause fresh", &out), 0) << out;
  // The `dags test` run, the triggered one and the two intervals since start_date.
  ASSERT_TRUE(WaitForFinishedRuns("fresh", 4, seconds(10))) << Diagnostics();
  for (const auto& r : Runs("fresh")) EXPECT_EQ(ToString(r.state), "success") << r.run_id;
}

// A chain a >> b >> c >> d of bash tasks that each append their id to order.txt, then sleep
// (b longest: the scheduler is stopped while it runs, and b must outlive a restart even on a
// loaded machine).
class SchedulerRestart : public SchedulerProcess {
 protected:
  void WriteChain() {
    std::string dag = R"(dag_id: chain
schedule: null
default_args: {retries: 1, retry_delay: 0s}
tasks:
)";
    std::string previous;
    for (std::string id : {"a", "b", "c", "d"}) {
      dag += "  - {id: " + id + ", operator: bash, " +
             (previous.empty() ? "" : "upstream: [" + previous + "], ") + "bash: 'echo " + id +
             " >> " + order_ + "; sleep " + (id == "b" ? "2.5" : "0.3") + "'}\n";
      previous = id;
    }
    WriteDag("chain.yml", dag);
  }

  // Starts the scheduler and the run, and waits until b has started (a is done).
  TaskInstanceModel RunUntilBRuns() {
    WriteChain();
    StartScheduler();
    std::string out;
    EXPECT_EQ(Sluice("dags trigger chain --run-id r1", &out), 0) << out;
    EXPECT_TRUE(WaitUntil(
        [&] { return Lines(order_).size() == 2 && Ti("chain", "r1", "b").pid.has_value(); },
        seconds(10)))
        << Diagnostics();
    TaskInstanceModel b = Ti("chain", "r1", "b");
    EXPECT_EQ(ToString(b.state), "running");
    return b;
  }

  void ExpectEveryTaskRanOnce() {
    EXPECT_EQ(ReadFile(order_), "a\nb\nc\nd\n") << Diagnostics();
    EXPECT_EQ(States("chain", "r1"),
              (std::map<std::string, std::string>{
                  {"a", "success/1"}, {"b", "success/1"}, {"c", "success/1"}, {"d", "success/1"}}));
    for (std::string id : {"a", "b", "c", "d"}) {
      auto tries = Store().ListTries({"chain", "r1", id});
      ASSERT_TRUE(tries.ok());
      EXPECT_EQ(tries->size(), 1u) << id;
    }
  }

  void ExpectAdoptionAfterStop(bool kill_nine);

  std::string order_ = "";
  void SetUp() override {
    SchedulerProcess::SetUp();
    order_ = home_ + "/order.txt";
  }
};

// SIGKILL, or SIGTERM (a clean stop also leaves its tries running), while b runs: the next
// scheduler adopts b, keeps its success, and runs c and d.
void SchedulerRestart::ExpectAdoptionAfterStop(bool kill_nine) {
  TaskInstanceModel b = RunUntilBRuns();
  ASSERT_TRUE(b.pid.has_value());
  pid_t b_pid = static_cast<pid_t>(*b.pid);
  if (kill_nine) {
    KillScheduler();
  } else {
    StopScheduler();
  }
  ASSERT_TRUE(Alive(b_pid)) << "the try died with its scheduler";
  StartScheduler();
  EXPECT_TRUE(Alive(b_pid)) << "b finished before the restart: nothing was adopted";
  ASSERT_TRUE(WaitUntil([&] { return RunState("chain", "r1") == "success"; }, seconds(15)))
      << Diagnostics();
  ExpectEveryTaskRanOnce();
  // The adopted try's end was seen at once (pidfd), not at some later poll.
  auto b_done = Ti("chain", "r1", "b"), c = Ti("chain", "r1", "c");
  ASSERT_TRUE(b_done.end_date && c.start_date);
  EXPECT_LT(*c.start_date - *b_done.end_date, milliseconds(700));
}

TEST_F(SchedulerRestart, KillNineMidRunAdoptsTheRunningTry) { ExpectAdoptionAfterStop(true); }

TEST_F(SchedulerRestart, SigtermMidRunLeavesTheTryToTheNextScheduler) {
  ExpectAdoptionAfterStop(false);
}

TEST_F(SchedulerRestart, KillNineThenTheTryEndsWhileNoSchedulerRuns) {
  RunUntilBRuns();
  KillScheduler();
  ASSERT_TRUE(
      WaitUntil([&] { return ToString(Ti("chain", "r1", "b").state) == "success"; }, seconds(10)))
      << Diagnostics();
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(Lines(order_).size(), 2u) << "something ran with no scheduler";
  StartScheduler();
  ASSERT_TRUE(WaitUntil([&] { return RunState("chain", "r1") == "success"; }, seconds(15)))
      << Diagnostics();
  ExpectEveryTaskRanOnce();
}

class SchedulerZombie : public SchedulerProcess {
 protected:
  void WriteFlaky(const std::string& retry_delay) {
    marker_ = home_ + "/marker";
    WriteDag("z.yml", R"(dag_id: z
schedule: null
tasks:
  - id: flaky
    operator: bash
    retries: 1
    retry_delay: )" + retry_delay +
                          R"(
    bash: |
      if [ -f )" + marker_ +
                          R"( ]; then echo second try; exit 0; fi
      touch )" + marker_ + R"(
      sleep 30
  - {id: after, operator: bash, upstream: [flaky], bash: "echo after"}
)");
  }

  // The pid of flaky's first try once it runs its script.
  pid_t StartFirstTry() {
    StartScheduler();
    std::string out;
    EXPECT_EQ(Sluice("dags trigger z --run-id r1", &out), 0) << out;
    EXPECT_TRUE(WaitUntil(
        [&] { return fs::exists(marker_) && Ti("z", "r1", "flaky").pid.has_value(); }, seconds(10)))
        << Diagnostics();
    return static_cast<pid_t>(Ti("z", "r1", "flaky").pid.value_or(0));
  }

  void ExpectRetriedOnce(Micros retry_delay) {
    ASSERT_TRUE(WaitUntil([&] { return RunState("z", "r1") == "success"; }, seconds(15)))
        << Diagnostics();
    EXPECT_EQ(States("z", "r1"),
              (std::map<std::string, std::string>{{"flaky", "success/2"}, {"after", "success/1"}}));
    auto tries = Store().ListTries({"z", "r1", "flaky"});
    ASSERT_TRUE(tries.ok());
    ASSERT_EQ(tries->size(), 2u);
    EXPECT_EQ((*tries)[0].state, TaskState::kFailed);
    EXPECT_FALSE((*tries)[0].error.empty());
    EXPECT_EQ((*tries)[1].state, TaskState::kSuccess);
    ASSERT_TRUE((*tries)[0].end_date && (*tries)[1].start_date);
    EXPECT_GE(*(*tries)[1].start_date - *(*tries)[0].end_date, retry_delay) << "retry_delay";
    std::string out;
    ASSERT_EQ(Sluice("tasks logs z r1 flaky --try 2", &out), 0) << out;
    EXPECT_NE(out.find("second try"), std::string::npos) << out;
  }

  std::string marker_;
};

TEST_F(SchedulerZombie, KilledTryFailsAndIsRetried) {
  WriteFlaky("1s");
  pid_t pid = StartFirstTry();
  ASSERT_GT(pid, 0);
  kill(-pid, SIGKILL);  // the try's whole process group, as an OOM kill of the task would
  ExpectRetriedOnce(seconds(1));
  auto tries = Store().ListTries({"z", "r1", "flaky"});
  ASSERT_TRUE(tries.ok() && !tries->empty());
  EXPECT_NE((*tries)[0].error.find("status 137"), std::string::npos) << (*tries)[0].error;
}

TEST_F(SchedulerZombie, TryGoneDuringARestartIsFailedAsAZombieAndRetried) {
  WriteFlaky("0.5s");
  pid_t pid = StartFirstTry();
  ASSERT_GT(pid, 0);
  KillScheduler();
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);  // ours now (subreaper): reaped, so the process is truly gone
  StartScheduler();
  ExpectRetriedOnce(milliseconds(500));
  auto tries = Store().ListTries({"z", "r1", "flaky"});
  ASSERT_TRUE(tries.ok() && !tries->empty());
  EXPECT_NE((*tries)[0].error.find("zombie"), std::string::npos) << (*tries)[0].error;
}

TEST_F(SchedulerProcess, DependsOnPastWaitsForThePreviousRunsTask) {
  const std::string first = FormatDate(Midnight(-2)), second = FormatDate(Midnight(-1));
  const std::string seen = home_ + "/seen.txt", allow = home_ + "/allow";
  WriteDag("dop.yml", "dag_id: dop\nschedule: \"@daily\"\nstart_date: " + first + R"(
catchup: true
max_active_runs: 2
tasks:
  - id: t
    operator: bash
    depends_on_past: true
    bash: 'echo {{ ds }} >> )" +
                          seen + R"(; test "{{ ds }}" != ")" + first + R"(" || test -f )" + allow +
                          R"('
)");
  const std::string run1 = Scheduled(Midnight(-2)), run2 = Scheduled(Midnight(-1));
  StartScheduler();
  ASSERT_TRUE(WaitUntil([&] { return RunState("dop", run1) == "failed"; }, seconds(10)))
      << Diagnostics();
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(RunState("dop", run2), "running");
  EXPECT_EQ(States("dop", run2), (std::map<std::string, std::string>{{"t", "none/0"}}));
  EXPECT_EQ(Lines(seen), std::vector<std::string>{first}) << "the second run's task ran";

  // Once the first run's task succeeds (cleared, then allowed), the second one runs.
  std::ofstream(allow) << "";
  std::string out;
  ASSERT_EQ(Sluice("tasks clear dop " + run1 + " --task t", &out), 0) << out;
  ASSERT_TRUE(WaitUntil(
      [&] { return RunState("dop", run1) == "success" && RunState("dop", run2) == "success"; },
      seconds(10)))
      << Diagnostics();
  EXPECT_EQ(Lines(seen), (std::vector<std::string>{first, first, second}));
  EXPECT_EQ(States("dop", run1)["t"], "success/2");
  EXPECT_EQ(States("dop", run2)["t"], "success/1");
}

TEST_F(SchedulerProcess, BackfillRunsTheRangeInTheForegroundOnce) {
  const std::string seen = home_ + "/seen.txt";
  WriteDag("bf.yml", R"(dag_id: bf
schedule: "@daily"
start_date: 2026-01-01
tasks:
  - {id: t, operator: bash, bash: 'echo {{ ds }} {{ run_id }} >> )" +
                         seen + R"('}
)");
  std::string out;
  ASSERT_EQ(Sluice("dags backfill bf --from 2026-03-01 --to 2026-03-03", &out), 0) << out;
  std::vector<std::string> lines = Lines(seen);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"2026-03-01 backfill__2026-03-01T00:00:00+00:00",
                                             "2026-03-02 backfill__2026-03-02T00:00:00+00:00",
                                             "2026-03-03 backfill__2026-03-03T00:00:00+00:00"}));
  nlohmann::json runs = SluiceJson("dags runs bf");
  ASSERT_EQ(runs.size(), 3u) << runs.dump(1) << "\n" << out;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(runs[i]["run_id"], "backfill__2026-03-0" + std::to_string(3 - i) + "T00:00:00+00:00");
    EXPECT_EQ(runs[i]["state"], "success");
    EXPECT_EQ(runs[i]["run_type"], "backfill");
  }
  ASSERT_EQ(Sluice("dags backfill bf --from 2026-03-01 --to 2026-03-03", &out), 0) << out;
  EXPECT_NE(out.find("nothing to backfill"), std::string::npos) << out;
  EXPECT_EQ(Lines(seen).size(), 3u);
  EXPECT_EQ(SluiceJson("dags runs bf").size(), 3u);
}

TEST_F(SchedulerProcess, ClearReRunsOnlyTheClearedTask) {
  const std::string seen = home_ + "/seen.txt";
  WriteDag("cl.yml", R"(dag_id: cl
schedule: null
tasks:
  - {id: a, operator: bash, bash: 'echo a >> )" +
                         seen + R"('}
  - {id: t, operator: bash, upstream: [a], bash: 'echo t{{ try_number }} >> )" +
                         seen + R"('}
  - {id: c, operator: bash, upstream: [t], bash: 'echo c >> )" +
                         seen + R"('}
)");
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags trigger cl --run-id r1", &out), 0) << out;
  ASSERT_TRUE(WaitUntil([&] { return RunState("cl", "r1") == "success"; }, seconds(10)))
      << Diagnostics();
  ASSERT_EQ(Sluice("tasks clear cl r1 --task t", &out), 0) << out;
  ASSERT_TRUE(WaitUntil(
      [&] { return Lines(seen).size() == 4 && RunState("cl", "r1") == "success"; }, seconds(10)))
      << Diagnostics();
  EXPECT_EQ(Lines(seen), (std::vector<std::string>{"a", "t1", "c", "t2"}));
  nlohmann::json states = SluiceJson("tasks states cl r1");
  std::map<std::string, std::string> got;
  for (const auto& row : states) {
    got[row["task_id"]] =
        row["state"].get<std::string>() + "/" + std::to_string(row["try_number"].get<int>());
  }
  EXPECT_EQ(got, (std::map<std::string, std::string>{
                     {"a", "success/1"}, {"t", "success/2"}, {"c", "success/1"}}));
}

TEST_F(SchedulerProcess, NextRunsPrintsTicksStrictlyAfter) {
  WriteDag("d.yml",
           "dag_id: d\nschedule: \"@daily\"\nstart_date: 2026-01-01\n"
           "tasks:\n  - {id: a, operator: empty}\n");
  WriteDag("w.yml",
           "dag_id: w\nschedule: \"30 9 * * MON-FRI\"\ntimezone: Europe/Paris\n"
           "start_date: 2026-01-01\ntasks:\n  - {id: a, operator: empty}\n");
  std::string out;
  ASSERT_EQ(Sluice("dags next-runs d --count 3 --after 2026-11-01T00:00:00Z", &out), 0) << out;
  EXPECT_EQ(out,
            "2026-11-02T00:00:00+00:00\n2026-11-03T00:00:00+00:00\n2026-11-04T00:00:00+00:00\n");
  // 2026-11-01 is a Sunday; Paris is on UTC+1 after the end of October.
  ASSERT_EQ(Sluice("dags next-runs w --count 3 --after 2026-11-01T00:00:00Z", &out), 0) << out;
  EXPECT_EQ(out,
            "2026-11-02T08:30:00+00:00\n2026-11-03T08:30:00+00:00\n2026-11-04T08:30:00+00:00\n");
  ASSERT_EQ(Sluice("dags next-runs w --count 2 --after 2026-11-06T08:30:00Z", &out), 0) << out;
  EXPECT_EQ(out, "2026-11-09T08:30:00+00:00\n2026-11-10T08:30:00+00:00\n") << "Friday's excluded";
}

TEST_F(SchedulerProcess, EditedDagFileIsReadAgainByARunningScheduler) {
  const std::string seen = home_ + "/seen.txt";
  std::string v1 = R"(dag_id: ed
schedule: null
tasks:
  - {id: a, operator: bash, bash: 'echo a >> )" +
                   seen + R"('}
)";
  WriteDag("ed.yml", v1);
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags trigger ed --run-id r1", &out), 0) << out;
  ASSERT_TRUE(WaitUntil([&] { return RunState("ed", "r1") == "success"; }, seconds(10)))
      << Diagnostics();

  TimePoint edited = Now();
  WriteDag("ed.yml",
           v1 + "  - {id: b, operator: bash, upstream: [a], bash: 'echo b >> " + seen + "'}\n");
  // Two syncs after the edit: the second read the folder after the edit for sure.
  std::optional<TimePoint> first_sync;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto dag = Store().GetDag("ed");
        if (!dag.ok() || !dag->last_parsed_at || *dag->last_parsed_at <= edited) return false;
        if (!first_sync) first_sync = dag->last_parsed_at;
        return *dag->last_parsed_at > *first_sync;
      },
      seconds(5)));
  ASSERT_EQ(Sluice("dags trigger ed --run-id r2", &out), 0) << out;
  ASSERT_TRUE(WaitUntil([&] { return RunState("ed", "r2") == "success"; }, seconds(10)))
      << Diagnostics();
  EXPECT_EQ(States("ed", "r2"),
            (std::map<std::string, std::string>{{"a", "success/1"}, {"b", "success/1"}}));
  EXPECT_EQ(States("ed", "r1"), (std::map<std::string, std::string>{{"a", "success/1"}}))
      << "a finished run keeps the tasks it had";
  EXPECT_EQ(Lines(seen), (std::vector<std::string>{"a", "a", "b"}));
}

TEST_F(SchedulerProcess, TaskRemovedFromTheFileMidRunDoesNotHoldTheRunBack) {
  const std::string go = home_ + "/go";
  std::string a = R"(dag_id: rm
schedule: null
tasks:
  - {id: a, operator: bash, bash: 'for i in $(seq 100); do [ -f )" +
                  go + R"( ] && break; sleep 0.05; done'}
)";
  WriteDag("rm.yml", a + "  - {id: b, operator: bash, upstream: [a], bash: 'true'}\n");
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags trigger rm --run-id r1", &out), 0) << out;
  ASSERT_TRUE(
      WaitUntil([&] { return ToString(Ti("rm", "r1", "a").state) == "running"; }, seconds(10)))
      << Diagnostics();
  TimePoint edited = Now();
  WriteDag("rm.yml", a);
  std::optional<TimePoint> first_sync;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto dag = Store().GetDag("rm");
        if (!dag.ok() || !dag->last_parsed_at || *dag->last_parsed_at <= edited) return false;
        if (!first_sync) first_sync = dag->last_parsed_at;
        return *dag->last_parsed_at > *first_sync;
      },
      seconds(5)));
  std::ofstream(go) << "";
  ASSERT_TRUE(WaitUntil([&] { return RunState("rm", "r1") == "success"; }, seconds(5)))
      << "the run waits for a task its DAG no longer has: "
      << ::testing::PrintToString(States("rm", "r1")) << "\n"
      << Diagnostics();
  EXPECT_EQ(States("rm", "r1"),
            (std::map<std::string, std::string>{{"a", "success/1"}, {"b", "removed/0"}}));
}

TEST_F(SchedulerProcess, BackfillBesideARunningSchedulerLeavesOtherRunsAlone) {
  const std::string go = home_ + "/go";
  WriteDag("long.yml", R"(dag_id: long
schedule: null
tasks:
  - {id: wait, operator: bash, bash: 'for i in $(seq 100); do [ -f )" +
                           go + R"( ] && break; sleep 0.05; done'}
)");
  WriteDag("bf.yml", R"(dag_id: bf
schedule: "@daily"
start_date: 2026-01-01
tasks:
  - {id: t, operator: bash, bash: 'true'}
)");
  ASSERT_EQ(Sluice("dags pause bf"), 0);  // only the backfill runs it
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags trigger long --run-id r1", &out), 0) << out;
  ASSERT_TRUE(
      WaitUntil([&] { return ToString(Ti("long", "r1", "wait").state) == "running"; }, seconds(10)))
      << Diagnostics();
  auto backfill_start = std::chrono::steady_clock::now();
  ASSERT_EQ(Sluice("dags backfill bf --from 2026-03-01 --to 2026-03-02", &out), 0) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - backfill_start, seconds(4));
  EXPECT_EQ(ToString(Ti("long", "r1", "wait").state), "running")
      << "the backfill waited for a try of another DAG";
  std::ofstream(go) << "";
  ASSERT_TRUE(WaitUntil([&] { return RunState("long", "r1") == "success"; }, seconds(10)))
      << Diagnostics();
  EXPECT_EQ(States("long", "r1"), (std::map<std::string, std::string>{{"wait", "success/1"}}));
}

TEST_F(SchedulerZombie, TryDyingWhileItsDagFileIsBrokenIsStillFailed) {
  WriteFlaky("0.2s");
  const std::string good = ReadFile(home_ + "/dags/z.yml");
  pid_t pid = StartFirstTry();
  ASSERT_GT(pid, 0);
  WriteDag("z.yml", "dag_id: z\ntasks: [\n");
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto errors = Store().ListImportErrors();
        return errors.ok() && !errors->empty();
      },
      seconds(5)))
      << Diagnostics();
  kill(-pid, SIGKILL);
  std::this_thread::sleep_for(milliseconds(500));
  WriteDag("z.yml", good);
  ExpectRetriedOnce(milliseconds(200));
}

TEST_F(SchedulerZombie, OrphanOfADagBrokenAtRestartIsRecoveredOnceItLoads) {
  WriteFlaky("0.2s");
  const std::string good = ReadFile(home_ + "/dags/z.yml");
  pid_t pid = StartFirstTry();
  ASSERT_GT(pid, 0);
  KillScheduler();
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  WriteDag("z.yml", "dag_id: z\ntasks: [\n");
  StartScheduler();
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(ToString(Ti("z", "r1", "flaky").state), "running") << "nothing to go by yet";
  WriteDag("z.yml", good);
  ExpectRetriedOnce(milliseconds(200));
}

}  // namespace
}  // namespace sluice::orchestrator
