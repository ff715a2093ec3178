// Airflow's clear (ClearTaskInstances) with each of its options: which runs (one, with the
// past and the future, or a date range), which tasks (with upstream and downstream), which
// states, dry runs, and whether the runs are queued again.
#include "orchestrator/dag_actions.h"

#include <map>
#include <set>

#include "orchestrator/dag_loader.h"
#include "store_test_util.h"

namespace sluice::orchestrator::testing {
namespace {

// a >> b >> c, and x on its own.
constexpr const char* kDag = R"(dag_id: d
schedule: null
tasks:
  - {id: a, operator: empty}
  - {id: b, operator: empty, upstream: [a]}
  - {id: c, operator: empty, upstream: [b]}
  - {id: x, operator: empty}
)";

class ClearTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto dag = ParseDagFile(kDag, "d.yml");
    ASSERT_TRUE(dag.ok()) << dag.status().ToString();
    dag_ = std::move(*dag);
    AddDag("d");
    for (int day : {1, 2, 3}) AddFinishedRun("r" + std::to_string(day), day);
  }

  // A successful run at Day(day) whose tasks all succeeded.
  void AddFinishedRun(const std::string& run_id, int day) {
    DagRunModel run;
    run.dag_id = "d";
    run.run_id = run_id;
    run.logical_date = Day(day);
    run.state = DagRunState::kSuccess;
    ASSERT_OK(store_->CreateDagRun(run).status());
    ASSERT_OK(store_
                  ->CreateTaskInstances(
                      run.key(),
                      {{"a", "empty", 0}, {"b", "empty", 0}, {"c", "empty", 0}, {"x", "empty", 0}})
                  .status());
    for (const char* task : {"a", "b", "c", "x"}) SetState(run_id, task, TaskState::kSuccess);
  }

  void SetState(const std::string& run_id, const std::string& task, TaskState state) {
    TaskInstanceUpdate u;
    u.state = state;
    u.try_number = 1;
    ASSERT_OK(store_->TransitionTaskInstance({"d", run_id, task}, {}, u).status());
  }

  // "run/task" of what the clear returned, in its order.
  std::vector<std::string> Clear(const ClearRequest& request) {
    auto cleared = ClearTaskInstances(*store_, dag_, request);
    EXPECT_TRUE(cleared.ok()) << cleared.status().ToString();
    std::vector<std::string> out;
    if (!cleared.ok()) return out;
    for (const auto& c : *cleared) {
      out.push_back(c.ti.run_id + "/" + c.ti.task_id);
      EXPECT_EQ(c.logical_date, store_->GetDagRun({"d", c.ti.run_id})->logical_date);
    }
    return out;
  }

  std::string State(const std::string& run_id, const std::string& task) {
    return std::string(ToString(store_->GetTaskInstance({"d", run_id, task})->state));
  }
  std::string RunState(const std::string& run_id) {
    return std::string(ToString(store_->GetDagRun({"d", run_id})->state));
  }

  static ClearRequest OfRun(const std::string& run_id, std::vector<std::string> tasks = {}) {
    ClearRequest r;
    r.run_id = run_id;
    r.task_ids = std::move(tasks);
    return r;
  }

  using Ids = std::vector<std::string>;
  DagSpec dag_;
};

TEST_F(ClearTest, ClearsEveryTaskOfTheRunAndQueuesIt) {
  EXPECT_EQ(Clear(OfRun("r2")), (Ids{"r2/a", "r2/b", "r2/c", "r2/x"}));
  EXPECT_EQ(State("r2", "b"), "none");
  EXPECT_EQ(RunState("r2"), "queued");
  EXPECT_EQ(RunState("r1"), "success");
  EXPECT_EQ(State("r1", "b"), "success");
}

TEST_F(ClearTest, DryRunChangesNothing) {
  ClearRequest r = OfRun("r2", {"b"});
  r.dry_run = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/b"}));
  EXPECT_EQ(State("r2", "b"), "success");
  EXPECT_EQ(RunState("r2"), "success");
}

TEST_F(ClearTest, UpstreamAndDownstreamFollowTheDependenciesTransitively) {
  ClearRequest r = OfRun("r2", {"c"});
  r.dry_run = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/c"}));
  r.include_upstream = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/a", "r2/b", "r2/c"}));
  r = OfRun("r2", {"a"});
  r.dry_run = true;
  r.include_downstream = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/a", "r2/b", "r2/c"}));
  r = OfRun("r2", {"b"});
  r.include_upstream = r.include_downstream = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/a", "r2/b", "r2/c"}));
  EXPECT_EQ(State("r2", "x"), "success") << "x depends on nothing and nothing on it";
  EXPECT_EQ(State("r2", "a"), "none");
}

TEST_F(ClearTest, PastAndFutureAddEarlierAndLaterRuns) {
  ClearRequest r = OfRun("r2", {"x"});
  r.dry_run = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/x"}));
  r.include_past = true;
  EXPECT_EQ(Clear(r), (Ids{"r1/x", "r2/x"}));
  r.include_past = false;
  r.include_future = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/x", "r3/x"}));
  r.include_past = true;
  r.dry_run = false;
  EXPECT_EQ(Clear(r), (Ids{"r1/x", "r2/x", "r3/x"}));
  for (const char* run : {"r1", "r2", "r3"}) EXPECT_EQ(RunState(run), "queued") << run;
}

TEST_F(ClearTest, WithoutARunTheDateRangeChoosesTheRuns) {
  ClearRequest r;
  r.task_ids = {"a"};
  r.dry_run = true;
  EXPECT_EQ(Clear(r), (Ids{"r1/a", "r2/a", "r3/a"})) << "no bounds: every run";
  r.start_date = Day(2);
  EXPECT_EQ(Clear(r), (Ids{"r2/a", "r3/a"}));
  r.end_date = Day(2);
  EXPECT_EQ(Clear(r), (Ids{"r2/a"}));
  r.start_date.reset();
  EXPECT_EQ(Clear(r), (Ids{"r1/a", "r2/a"}));
}

TEST_F(ClearTest, OnlyFailedAndOnlyRunningChooseByState) {
  SetState("r2", "b", TaskState::kFailed);
  SetState("r2", "c", TaskState::kUpstreamFailed);
  SetState("r3", "x", TaskState::kRunning);
  ClearRequest r;
  r.only_failed = true;
  r.dry_run = true;
  EXPECT_EQ(Clear(r), (Ids{"r2/b", "r2/c"}));
  r.only_failed = false;
  r.only_running = true;
  EXPECT_EQ(Clear(r), (Ids{"r3/x"})) << "a dry run lists running ones";
  r.dry_run = false;
  auto refused = ClearTaskInstances(*store_, dag_, r);
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("task x of run r3 is running"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(State("r3", "x"), "running");
}

TEST_F(ClearTest, WithoutResetDagRunsTheRunKeepsItsState) {
  ClearRequest r = OfRun("r1", {"a"});
  r.reset_dag_runs = false;
  EXPECT_EQ(Clear(r), (Ids{"r1/a"}));
  EXPECT_EQ(State("r1", "a"), "none");
  EXPECT_EQ(RunState("r1"), "success");
}

TEST_F(ClearTest, UnknownTasksAndRunsAreErrors) {
  EXPECT_EQ(ClearTaskInstances(*store_, dag_, OfRun("r1", {"nope"})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ClearTaskInstances(*store_, dag_, OfRun("r9")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::orchestrator::testing
