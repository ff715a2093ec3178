// DAG runs in the SQLite metadata store.
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using testing::Day;

class SqliteRunsTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddDag("salary");
    AddDag("other");
  }

  static DagRunModel Run(const std::string& dag_id, const std::string& run_id, int day) {
    DagRunModel run;
    run.dag_id = dag_id;
    run.run_id = run_id;
    run.logical_date = Day(day);
    run.data_interval_start = Day(day);
    run.data_interval_end = Day(day + 1);
    return run;
  }

  std::vector<std::string> RunIds(const DagRunQuery& query) {
    std::vector<std::string> ids;
    auto runs = store_->ListDagRuns(query);
    EXPECT_TRUE(runs.ok()) << runs.status().ToString();
    if (runs.ok()) {
      for (const auto& r : *runs) ids.push_back(r.run_id);
    }
    return ids;
  }
};

TEST_F(SqliteRunsTest, CreateAndGetRoundTrip) {
  DagRunModel run = Run("salary", "scheduled__2026-11-01T00:00:00+00:00", 0);
  run.run_type = DagRunType::kScheduled;
  run.external_trigger = true;
  ASSERT_OK_AND_ASSIGN(DagRunModel created, store_->CreateDagRun(run));
  EXPECT_GT(created.id, 0);
  ASSERT_TRUE(created.queued_at.has_value());
  EXPECT_LE(*created.queued_at, Now());

  ASSERT_OK_AND_ASSIGN(DagRunModel got, store_->GetDagRun(run.key()));
  EXPECT_EQ(got.id, created.id);
  EXPECT_EQ(got.dag_id, "salary");
  EXPECT_EQ(got.run_id, run.run_id);
  EXPECT_EQ(got.run_type, DagRunType::kScheduled);
  EXPECT_EQ(got.state, DagRunState::kQueued);
  EXPECT_EQ(got.logical_date, Day(0));
  EXPECT_EQ(got.data_interval_start, Day(0));
  EXPECT_EQ(got.data_interval_end, Day(1));
  EXPECT_EQ(got.queued_at, created.queued_at);
  EXPECT_FALSE(got.start_date.has_value());
  EXPECT_FALSE(got.end_date.has_value());
  EXPECT_EQ(got.conf, nlohmann::json::object());
  EXPECT_TRUE(got.external_trigger);
}

TEST_F(SqliteRunsTest, ConfJsonRoundTrip) {
  DagRunModel run = Run("salary", "manual__1", 0);
  run.conf = nlohmann::json::parse(R"({"bucket": "s3://b/x", "n": 3, "ratio": 0.25,
      "flags": [true, false, null], "nested": {"name": "Zoë 🚀", "quote": "a\"b\n"},
      "big": 9007199254740993})");
  ASSERT_OK(store_->CreateDagRun(run).status());
  ASSERT_OK_AND_ASSIGN(DagRunModel got, store_->GetDagRun(run.key()));
  EXPECT_EQ(got.conf, run.conf);
  EXPECT_EQ(got.conf["big"].get<int64_t>(), 9007199254740993LL);
  EXPECT_EQ(got.conf["nested"]["name"], "Zoë 🚀");
}

TEST_F(SqliteRunsTest, ConfMustBeAnObject) {
  DagRunModel run = Run("salary", "manual__1", 0);
  run.conf = nlohmann::json::array({1, 2});
  auto created = store_->CreateDagRun(run);
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  run.conf = nullptr;  // no conf at all is an empty one
  ASSERT_OK(store_->CreateDagRun(run).status());
  EXPECT_EQ(store_->GetDagRun(run.key())->conf, nlohmann::json::object());
}

TEST_F(SqliteRunsTest, DuplicateRunIdIsNamed) {
  ASSERT_OK(store_->CreateDagRun(Run("salary", "manual__x", 0)).status());
  auto dup = store_->CreateDagRun(Run("salary", "manual__x", 3));
  ASSERT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "DAG 'salary' already has a run with run_id 'manual__x'");
  // The same run_id in another DAG is fine.
  ASSERT_OK(store_->CreateDagRun(Run("other", "manual__x", 0)).status());
}

TEST_F(SqliteRunsTest, DuplicateLogicalDateIsNamed) {
  ASSERT_OK(store_->CreateDagRun(Run("salary", "scheduled__1", 0)).status());
  auto dup = store_->CreateDagRun(Run("salary", "manual__2", 0));
  ASSERT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(),
            "DAG 'salary' already has a run at logical date 2026-11-01T00:00:00+00:00 "
            "(run_id 'scheduled__1')");
}

TEST_F(SqliteRunsTest, RunOfUnknownDagIsNotFound) {
  auto run = store_->CreateDagRun(Run("ghost", "r", 0));
  EXPECT_EQ(run.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(run.status().message(), "DAG 'ghost' does not exist");
  auto missing = store_->GetDagRun({"salary", "nope"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "DAG run 'nope' of DAG 'salary' does not exist");
}

TEST_F(SqliteRunsTest, ListNewestFirstWithFilters) {
  for (int day : {2, 0, 3, 1}) {
    ASSERT_OK(store_->CreateDagRun(Run("salary", "r" + std::to_string(day), day)).status());
  }
  ASSERT_OK(store_->CreateDagRun(Run("other", "o5", 5)).status());
  ASSERT_OK(store_->SetDagRunState({"salary", "r1"}, DagRunState::kRunning, Day(9)));
  ASSERT_OK(store_->SetDagRunState({"salary", "r3"}, DagRunState::kFailed, Day(9)));

  DagRunQuery q;
  q.dag_id = "salary";
  EXPECT_EQ(RunIds(q), (std::vector<std::string>{"r3", "r2", "r1", "r0"}));
  q.limit = 2;
  EXPECT_EQ(RunIds(q), (std::vector<std::string>{"r3", "r2"}));
  q.offset = 2;
  EXPECT_EQ(RunIds(q), (std::vector<std::string>{"r1", "r0"}));
  q.limit = 0;
  q.offset = 1;
  EXPECT_EQ(RunIds(q), (std::vector<std::string>{"r2", "r1", "r0"}));

  DagRunQuery states;
  states.dag_id = "salary";
  states.states = {DagRunState::kQueued, DagRunState::kRunning};
  EXPECT_EQ(RunIds(states), (std::vector<std::string>{"r2", "r1", "r0"}));

  DagRunQuery previous;  // the run before r2: what depends_on_past looks at
  previous.dag_id = "salary";
  previous.logical_date_before = Day(2);
  previous.limit = 1;
  EXPECT_EQ(RunIds(previous), (std::vector<std::string>{"r1"}));

  DagRunQuery every;  // across DAGs
  every.states = {DagRunState::kQueued};
  EXPECT_EQ(RunIds(every), (std::vector<std::string>{"o5", "r2", "r0"}));
}

TEST_F(SqliteRunsTest, StateChangesSetTheDates) {
  DagRunKey key{"salary", "r"};
  ASSERT_OK(store_->CreateDagRun(Run("salary", "r", 0)).status());

  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kRunning, Day(1)));
  ASSERT_OK_AND_ASSIGN(DagRunModel running, store_->GetDagRun(key));
  EXPECT_EQ(running.state, DagRunState::kRunning);
  EXPECT_EQ(running.start_date, Day(1));
  EXPECT_FALSE(running.end_date.has_value());

  // Running again keeps the first start.
  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kRunning, Day(2)));
  EXPECT_EQ(store_->GetDagRun(key)->start_date, Day(1));

  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kFailed, Day(3)));
  ASSERT_OK_AND_ASSIGN(DagRunModel failed, store_->GetDagRun(key));
  EXPECT_EQ(failed.state, DagRunState::kFailed);
  EXPECT_EQ(failed.start_date, Day(1));
  EXPECT_EQ(failed.end_date, Day(3));

  // Marking a finished run success keeps when it ended.
  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kSuccess, Day(4)));
  EXPECT_EQ(store_->GetDagRun(key)->end_date, Day(3));

  // Cleared: queued again, both dates reset; the next start is the new one.
  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kQueued, Day(5)));
  ASSERT_OK_AND_ASSIGN(DagRunModel cleared, store_->GetDagRun(key));
  EXPECT_FALSE(cleared.start_date.has_value());
  EXPECT_FALSE(cleared.end_date.has_value());
  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kRunning, Day(6)));
  ASSERT_OK(store_->SetDagRunState(key, DagRunState::kSuccess, Day(7)));
  ASSERT_OK_AND_ASSIGN(DagRunModel done, store_->GetDagRun(key));
  EXPECT_EQ(done.start_date, Day(6));
  EXPECT_EQ(done.end_date, Day(7));

  EXPECT_EQ(store_->SetDagRunState({"salary", "nope"}, DagRunState::kRunning, Day(0)).code(),
            StatusCode::kNotFound);
}

TEST_F(SqliteRunsTest, CountActiveRuns) {
  EXPECT_EQ(*store_->CountActiveRuns("salary"), 0);
  for (int day = 0; day < 4; ++day) {
    ASSERT_OK(store_->CreateDagRun(Run("salary", "r" + std::to_string(day), day)).status());
  }
  ASSERT_OK(store_->CreateDagRun(Run("other", "o", 0)).status());
  ASSERT_OK(store_->SetDagRunState({"salary", "r0"}, DagRunState::kRunning, Day(0)));
  ASSERT_OK(store_->SetDagRunState({"salary", "r1"}, DagRunState::kSuccess, Day(0)));
  ASSERT_OK(store_->SetDagRunState({"salary", "r2"}, DagRunState::kFailed, Day(0)));
  EXPECT_EQ(*store_->CountActiveRuns("salary"), 2);  // r0 running, r3 queued
  EXPECT_EQ(*store_->CountActiveRuns("other"), 1);
  EXPECT_EQ(*store_->CountActiveRuns("ghost"), 0);
}

TEST_F(SqliteRunsTest, DeleteRunCascadesToItsTasksOnly) {
  DagRunKey gone = AddRun("salary", "gone", 0);
  DagRunKey kept = AddRun("salary", "kept", 1);
  TaskInstanceKey a{"salary", "gone", "a"};
  ASSERT_OK(store_->StartTry(testing::Try(a, 1, Day(0))));
  ASSERT_OK(store_->PushXCom(testing::XCom(a, "return_value", "x")));
  ASSERT_OK(store_->DeleteDagRun(gone));
  EXPECT_EQ(store_->GetDagRun(gone).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListTaskInstances(gone)->empty());
  EXPECT_TRUE(store_->ListTries(a)->empty());
  EXPECT_EQ(store_->PullXCom(a, "return_value").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTaskInstances(kept)->size(), 3u);
  EXPECT_EQ(store_->DeleteDagRun(gone).code(), StatusCode::kNotFound);
  // The logical date is free again.
  ASSERT_OK(store_->CreateDagRun(Run("salary", "again", 0)).status());
}

}  // namespace
}  // namespace sluice::orchestrator
