// The seed pipeline end to end with real processes (issue 4): examples/salary/dags/
// salary_pipeline.yml creating a local cluster, running the salary job as its step, watching
// it and terminating the cluster; a failing step; a run without teardown whose cluster is
// reaped; the scheduler killed during the step; the idle timeout.
#include <regex>

#include "cli_home_util.h"
#include "cluster/cluster_model.h"

namespace sluice::orchestrator::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDay = "2026-11-20";
constexpr const char* kRun = "manual__2026-11-20T00:00:00+00:00";
constexpr const char* kFeatures[] = {"companyId", "jobType", "degree", "major", "industry"};

class SeedPipeline : public CliHome {
 protected:
  void SetUp() override {
    CliHome::SetUp();
    bucket_ = home_ + "/warehouse/salary";
    for (const char* dir : {"data", "etl", "output", "logs"}) fs::create_directories(bucket_ + "/" + dir);
    std::string out;
    ASSERT_EQ(Sluice("datagen salary --rows 3000 --seed 5 --out " + bucket_ + "/data", &out), 0)
        << out;
    fs::copy_file(std::string(SLUICE_SOURCE_DIR) + "/examples/salary/etl/avg_salary.yml",
                  bucket_ + "/etl/avg_salary.yml");
  }

  void TearDown() override {
    // No test may leave a cluster running: its supervisor would outlive the test.
    for (const auto& c : Live()) Sluice("clusters terminate " + c.id);
    WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(20));
    CliHome::TearDown();
  }

  // The example DAG with its bucket here, after `edits` (text replacements) are applied.
  std::string SeedDag(const std::vector<std::pair<std::string, std::string>>& edits = {}) {
    std::string dag = ReadFile(std::string(SLUICE_SOURCE_DIR) +
                               "/examples/salary/dags/salary_pipeline.yml");
    edits_applied_ = 0;
    auto replace = [&](const std::string& from, const std::string& to) {
      size_t at = dag.find(from);
      EXPECT_NE(at, std::string::npos) << "the example DAG no longer has: " << from;
      if (at != std::string::npos) dag.replace(at, from.size(), to), ++edits_applied_;
    };
    replace("file:///var/lib/sluice/warehouse/salary", "file://" + bucket_);
    replace("retries: 1, retry_delay: 30s", "retries: 0, retry_delay: 1s");
    for (const auto& [from, to] : edits) replace(from, to);
    return dag;
  }

  std::vector<cluster::ClusterRecord> Clusters() {
    auto all = Store().ListClusters({});
    EXPECT_TRUE(all.ok()) << all.status().message();
    return all.ok() ? *all : std::vector<cluster::ClusterRecord>{};
  }
  std::vector<cluster::ClusterRecord> Live() {
    std::vector<cluster::ClusterRecord> live;
    for (auto& c : Clusters()) {
      if (!cluster::IsTerminal(c.state)) live.push_back(c);
    }
    return live;
  }

  std::string TaskLog(const std::string& task, int attempt = 1) {
    return ReadFile(home_ + "/logs/dag_id=salary_pipeline/run_id=" + kRun + "/task_id=" + task +
                    "/attempt=" + std::to_string(attempt) + ".log");
  }

  std::string bucket_;
  int edits_applied_ = 0;
};

TEST_F(SeedPipeline, RunsTheJobOnAClusterAndTerminatesIt) {
  WriteDag("salary_pipeline.yml", SeedDag());
  std::string out;
  ASSERT_EQ(Sluice(std::string("dags test salary_pipeline ") + kDay, &out), 0) << out;
  auto states = States("salary_pipeline", kRun);
  for (const char* task : {"begin_workflow", "create_cluster", "submit_step", "watch_step",
                           "terminate_cluster", "end_workflow"}) {
    EXPECT_EQ(states[task].substr(0, 7), "success") << task;
  }
  // cluster_terminate asks; the supervisor ends the cluster a moment later.
  ASSERT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(10)));
  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].state, cluster::ClusterState::kTerminated);
  auto xcom = Store().PullXCom({"salary_pipeline", kRun, "create_cluster"}, "return_value");
  ASSERT_TRUE(xcom.ok());
  EXPECT_EQ(xcom->value, clusters[0].id);
  std::string output = bucket_ + "/output/average_salary/ds=" + kDay;
  for (const char* feature : kFeatures) {
    EXPECT_TRUE(fs::exists(output + "/" + feature + "/_SUCCESS")) << feature;
  }
  // The step ran the engine with the cluster's two CORE instances as threads.
  auto steps = Store().ListSteps(clusters[0].id);
  ASSERT_TRUE(steps.ok() && steps->size() == 1u);
  std::string step_log = ReadFile(bucket_ + "/logs/" + clusters[0].id + "/steps/" +
                                  (*steps)[0].id + "/stdout");
  EXPECT_NE(step_log.find("job average_salary succeeded"), std::string::npos) << step_log;
  EXPECT_NE(step_log.find("2 threads"), std::string::npos) << step_log;

  // Again for the same date: the date's output is replaced, never duplicated.
  ASSERT_EQ(Sluice(std::string("dags test salary_pipeline ") + kDay, &out), 0) << out;
  for (const char* feature : kFeatures) {
    int parts = 0;
    for (const auto& entry : fs::directory_iterator(output + "/" + feature)) {
      parts += entry.path().filename().string().rfind("part-", 0) == 0;
    }
    EXPECT_EQ(parts, 1) << feature;
  }
  EXPECT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(10)));
}

TEST_F(SeedPipeline, AFailingStepFailsTheRunAndStillTerminatesTheCluster) {
  fs::remove(bucket_ + "/data/train_salaries.csv");
  WriteDag("salary_pipeline.yml", SeedDag());
  std::string out;
  EXPECT_NE(Sluice(std::string("dags test salary_pipeline ") + kDay, &out), 0) << out;
  EXPECT_EQ(RunState("salary_pipeline", kRun), "failed");
  auto states = States("salary_pipeline", kRun);
  EXPECT_EQ(states["watch_step"], "failed/1");
  EXPECT_EQ(states["terminate_cluster"], "success/1");  // the teardown ran
  ASSERT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(10)));
  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].state, cluster::ClusterState::kTerminated);
  // The sensor's failure names the step's state, why, and where its log is.
  std::string log = TaskLog("watch_step");
  EXPECT_NE(log.find("ended FAILED"), std::string::npos) << log;
  EXPECT_NE(log.find("train_salaries.csv"), std::string::npos) << log;
  EXPECT_NE(log.find("log: file://" + bucket_ + "/logs/" + clusters[0].id + "/steps/"),
            std::string::npos) << log;
}

// The seed DAG without its terminate_cluster task.
std::vector<std::pair<std::string, std::string>> WithoutTeardown() {
  return {{"  - id: terminate_cluster\n    operator: cluster_terminate\n"
           "    upstream: [watch_step]\n    teardown_of: create_cluster\n"
           "    cluster_id: \"{{ xcom('create_cluster') }}\"\n",
           ""},
          {"upstream: [terminate_cluster]", "upstream: [watch_step]"}};
}

TEST_F(SeedPipeline, AClusterLeftRunningByARunIsReapedWhenTheRunEnds) {
  // No terminate_cluster task: the run's end must still end its cluster.
  WriteDag("salary_pipeline.yml", SeedDag(WithoutTeardown()));
  std::string out;
  ASSERT_EQ(Sluice(std::string("dags test salary_pipeline ") + kDay, &out), 0) << out;
  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(10)));
  EXPECT_NE(out.find("terminated cluster " + clusters[0].id), std::string::npos) << out;
}

TEST_F(SeedPipeline, TheSchedulerReapsAClusterLeftRunningByARun) {
  auto edits = WithoutTeardown();
  edits.push_back({"schedule: \"@daily\"", "schedule: null"});
  WriteDag("salary_pipeline.yml", SeedDag(edits));
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags unpause salary_pipeline", &out), 0) << out;
  ASSERT_EQ(Sluice(std::string("dags trigger salary_pipeline --logical-date ") + kDay, &out), 0)
      << out;
  ASSERT_TRUE(WaitUntil([&] {
    auto runs = Store().ListDagRuns({});
    return runs.ok() && !runs->empty() && runs->front().state == DagRunState::kSuccess;
  }, std::chrono::seconds(60))) << SchedulerLog();
  EXPECT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(15)));
  ASSERT_EQ(Clusters().size(), 1u);
  EXPECT_NE(SchedulerLog().find("terminated cluster " + Clusters()[0].id), std::string::npos)
      << SchedulerLog();
}

TEST_F(SeedPipeline, AnIdleClusterEndsByItsIdleTimeout) {
  std::string dag =
      "dag_id: idle\nschedule: null\nstart_date: 2026-11-01\ntasks:\n"
      "  - id: create_cluster\n    operator: cluster_create\n    cluster:\n"
      "      Name: idle\n      Instances: {InstanceCount: 1, KeepJobFlowAliveWhenNoSteps: true}\n"
      "      AutoTerminationPolicy: {IdleTimeout: 2}\n"
      "  - id: wait_for_end\n    operator: cluster_sensor\n    upstream: [create_cluster]\n"
      "    cluster_id: \"{{ xcom('create_cluster') }}\"\n    poke_interval: 1s\n"
      "    timeout: 60s\n";
  WriteDag("idle.yml", dag);
  std::string out;
  ASSERT_EQ(Sluice(std::string("dags test idle ") + kDay, &out), 0) << out;
  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].state, cluster::ClusterState::kTerminated);
  EXPECT_NE(clusters[0].reason.message.find("IdleTimeout"), std::string::npos);
}

TEST_F(SeedPipeline, KillingTheSchedulerDuringTheStepLeavesNoClusterRunning) {
  // A first step that takes a while, so the scheduler dies while a step runs.
  std::string dag = SeedDag({{"    steps:\n", "    steps:\n      - Name: warm_up\n"
                                             "        HadoopJarStep: {Jar: command-runner.jar, "
                                             "Args: [sleep, \"4\"]}\n"},
                             {"xcom('submit_step')[0]", "xcom('submit_step')[1]"},
                             {"schedule: \"@daily\"", "schedule: null"}});
  WriteDag("salary_pipeline.yml", dag);
  StartScheduler();
  std::string out;
  ASSERT_EQ(Sluice("dags unpause salary_pipeline", &out), 0) << out;
  ASSERT_EQ(Sluice(std::string("dags trigger salary_pipeline --logical-date ") + kDay, &out), 0)
      << out;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& c : Clusters()) {
      auto steps = Store().ListSteps(c.id);
      if (steps.ok() && !steps->empty() &&
          (*steps)[0].state == cluster::StepState::kRunning) {
        return true;
      }
    }
    return false;
  }, std::chrono::seconds(30))) << SchedulerLog();
  kill(scheduler_, SIGKILL);
  waitpid(scheduler_, nullptr, 0);
  scheduler_ = 0;
  StartScheduler();
  std::string run_id;
  ASSERT_TRUE(WaitUntil([&] {
    auto runs = Store().ListDagRuns({});
    if (!runs.ok() || runs->empty()) return false;
    run_id = runs->front().run_id;
    return runs->front().state == DagRunState::kSuccess ||
           runs->front().state == DagRunState::kFailed;
  }, std::chrono::seconds(60))) << SchedulerLog();
  EXPECT_EQ(RunState("salary_pipeline", run_id), "success") << SchedulerLog();
  EXPECT_TRUE(WaitUntil([&] { return Live().empty(); }, std::chrono::seconds(15)));
  EXPECT_EQ(Clusters().size(), 1u);
}

}  // namespace
}  // namespace sluice::orchestrator::testing
