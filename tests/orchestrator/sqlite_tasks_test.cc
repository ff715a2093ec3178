// Task instances, their tries and XCom in the SQLite metadata store.
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using testing::Day;

class SqliteTasksTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddDag("d");
    run_ = AddRun("d", "r", 0);
  }

  TaskInstanceModel Get(const std::string& task_id) {
    auto ti = store_->GetTaskInstance({"d", "r", task_id});
    EXPECT_TRUE(ti.ok()) << ti.status().ToString();
    return ti.ok() ? *ti : TaskInstanceModel{};
  }

  bool Transition(const std::string& task_id, const std::vector<TaskState>& from,
                  const TaskInstanceUpdate& update) {
    auto done = store_->TransitionTaskInstance({"d", "r", task_id}, from, update);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return done.ok() && *done;
  }

  static TaskInstanceUpdate ToState(TaskState state) {
    TaskInstanceUpdate u;
    u.state = state;
    return u;
  }

  DagRunKey run_;
};

TEST_F(SqliteTasksTest, CreatedInStateNoneInCreationOrder) {
  ASSERT_OK_AND_ASSIGN(auto tis, store_->ListTaskInstances(run_));
  ASSERT_EQ(tis.size(), 3u);
  EXPECT_EQ(tis[0].task_id, "a");
  EXPECT_EQ(tis[1].task_id, "b");
  EXPECT_EQ(tis[2].task_id, "c");
  EXPECT_EQ(tis[0].state, TaskState::kNone);
  EXPECT_EQ(tis[0].try_number, 0);
  EXPECT_EQ(tis[0].max_tries, 1);
  EXPECT_EQ(tis[0].operator_name, "command");
  EXPECT_EQ(tis[1].operator_name, "bash");
  EXPECT_FALSE(tis[0].start_date || tis[0].end_date || tis[0].pid || tis[0].next_attempt_at);
}

TEST_F(SqliteTasksTest, CreateLeavesExistingOnesAlone) {
  ASSERT_TRUE(Transition("a", {}, ToState(TaskState::kSuccess)));
  ASSERT_OK_AND_ASSIGN(int created,
                       store_->CreateTaskInstances(run_, {{"a", "command", 5}, {"z", "empty", 0}}));
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Get("a").state, TaskState::kSuccess);
  EXPECT_EQ(Get("a").max_tries, 1);
  ASSERT_OK_AND_ASSIGN(auto tis, store_->ListTaskInstances(run_));
  EXPECT_EQ(tis.back().task_id, "z");
  auto missing = store_->CreateTaskInstances({"d", "nope"}, {{"a", "empty", 0}});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "DAG run 'nope' of DAG 'd' does not exist");
}

TEST_F(SqliteTasksTest, GetMissingIsNotFound) {
  auto ti = store_->GetTaskInstance({"d", "r", "ghost"});
  EXPECT_EQ(ti.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ti.status().message(), "task instance 'd' / 'r' / 'ghost' does not exist");
}

TEST_F(SqliteTasksTest, TransitionAppliesOnlyFromAllowedStates) {
  EXPECT_TRUE(Transition("a", {TaskState::kNone}, ToState(TaskState::kScheduled)));
  EXPECT_EQ(Get("a").state, TaskState::kScheduled);
  // Another process already moved it on: refused, row untouched.
  EXPECT_FALSE(
      Transition("a", {TaskState::kNone, TaskState::kUpForRetry}, ToState(TaskState::kQueued)));
  EXPECT_EQ(Get("a").state, TaskState::kScheduled);
  EXPECT_TRUE(Transition("a", {TaskState::kScheduled}, ToState(TaskState::kQueued)));
  // No allowed states: unconditional.
  EXPECT_TRUE(Transition("a", {}, ToState(TaskState::kRemoved)));
  EXPECT_EQ(Get("a").state, TaskState::kRemoved);
  // Other task instances are untouched.
  EXPECT_EQ(Get("b").state, TaskState::kNone);

  auto missing = store_->TransitionTaskInstance({"d", "r", "ghost"}, {TaskState::kNone},
                                                ToState(TaskState::kQueued));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteTasksTest, TransitionSetsAndClearsFields) {
  TaskInstanceUpdate start;
  start.state = TaskState::kRunning;
  start.increment_try_number = true;
  start.start_date = Day(1);
  start.queued_at = Day(0);
  start.pid = int64_t{4242};
  start.hostname = "worker-1";
  start.log_path = "/logs/dag_id=d/run_id=r/task_id=a/attempt=1.log";
  ASSERT_TRUE(Transition("a", {TaskState::kNone}, start));
  TaskInstanceModel running = Get("a");
  EXPECT_EQ(running.state, TaskState::kRunning);
  EXPECT_EQ(running.try_number, 1);
  EXPECT_EQ(running.start_date, Day(1));
  EXPECT_EQ(running.queued_at, Day(0));
  EXPECT_EQ(running.pid, 4242);
  EXPECT_EQ(running.hostname, "worker-1");
  EXPECT_EQ(running.log_path, start.log_path);
  EXPECT_FALSE(running.end_date.has_value());

  // Fails and waits for a retry: end and duration from the stored start, pid cleared.
  TaskInstanceUpdate retry;
  retry.state = TaskState::kUpForRetry;
  retry.end_date = Day(1) + std::chrono::seconds(90);
  retry.next_attempt_at = Day(2);
  retry.pid = std::nullopt;
  ASSERT_TRUE(Transition("a", {TaskState::kRunning}, retry));
  TaskInstanceModel waiting = Get("a");
  EXPECT_EQ(waiting.end_date, Day(1) + std::chrono::seconds(90));
  EXPECT_EQ(waiting.duration, std::chrono::seconds(90));
  EXPECT_EQ(waiting.next_attempt_at, Day(2));
  EXPECT_FALSE(waiting.pid.has_value());
  EXPECT_EQ(waiting.hostname, "worker-1");  // absent fields keep their value
  EXPECT_EQ(waiting.try_number, 1);

  // The second try: new start, end cleared (duration with it), explicit try number.
  TaskInstanceUpdate again;
  again.state = TaskState::kRunning;
  again.try_number = 2;
  again.start_date = Day(2);
  again.end_date = std::nullopt;
  again.next_attempt_at = std::nullopt;
  again.max_tries = 3;
  ASSERT_TRUE(Transition("a", {TaskState::kUpForRetry}, again));
  TaskInstanceModel second = Get("a");
  EXPECT_EQ(second.try_number, 2);
  EXPECT_EQ(second.max_tries, 3);
  EXPECT_EQ(second.start_date, Day(2));
  EXPECT_FALSE(second.end_date || second.duration || second.next_attempt_at);

  // Start and end in one update; an explicit duration wins over the computed one.
  TaskInstanceUpdate settle;
  settle.state = TaskState::kSuccess;
  settle.start_date = Day(3);
  settle.end_date = Day(3) + std::chrono::milliseconds(5);
  ASSERT_TRUE(Transition("b", {TaskState::kNone}, settle));
  EXPECT_EQ(Get("b").duration, std::chrono::milliseconds(5));
  TaskInstanceUpdate explicit_duration;
  explicit_duration.end_date = Day(4);
  explicit_duration.duration = Micros(7);
  ASSERT_TRUE(Transition("b", {}, explicit_duration));
  EXPECT_EQ(Get("b").duration, Micros(7));
}

TEST_F(SqliteTasksTest, EmptyUpdateIsACompareOnly) {
  EXPECT_TRUE(Transition("a", {TaskState::kNone}, TaskInstanceUpdate{}));
  EXPECT_FALSE(Transition("a", {TaskState::kRunning}, TaskInstanceUpdate{}));
  EXPECT_EQ(Get("a").state, TaskState::kNone);
}

TEST_F(SqliteTasksTest, WorkQueueAcrossRuns) {
  DagRunKey other = AddRun("d", "r2", 1);
  ASSERT_TRUE(Transition("a", {}, ToState(TaskState::kRunning)));
  ASSERT_TRUE(Transition("c", {}, ToState(TaskState::kUpForRetry)));
  ASSERT_OK_AND_ASSIGN(bool moved, store_->TransitionTaskInstance({"d", "r2", "b"}, {},
                                                                  ToState(TaskState::kRunning)));
  ASSERT_TRUE(moved);
  ASSERT_OK_AND_ASSIGN(auto running, store_->ListTaskInstancesInStates({TaskState::kRunning}));
  ASSERT_EQ(running.size(), 2u);
  EXPECT_EQ(running[0].run_id, "r");
  EXPECT_EQ(running[0].task_id, "a");
  EXPECT_EQ(running[1].run_id, other.run_id);
  EXPECT_EQ(running[1].task_id, "b");
  ASSERT_OK_AND_ASSIGN(
      auto some, store_->ListTaskInstancesInStates({TaskState::kUpForRetry, TaskState::kRunning}));
  EXPECT_EQ(some.size(), 3u);
  EXPECT_EQ(store_->ListTaskInstancesInStates({TaskState::kNone})->size(), 3u);
  EXPECT_TRUE(store_->ListTaskInstancesInStates({})->empty());
}

TEST_F(SqliteTasksTest, TriesAreKeptPerTry) {
  TaskInstanceKey a{"d", "r", "a"};
  TaskTryModel first = testing::Try(a, 1, Day(0));
  first.pid = 100;
  first.hostname = "h";
  first.log_path = "/logs/attempt=1.log";
  ASSERT_OK(store_->StartTry(first));
  ASSERT_OK(store_->FinishTry(a, 1, TaskState::kFailed, Day(1), "exit status 3"));
  ASSERT_OK(store_->StartTry(testing::Try(a, 2, Day(2))));
  ASSERT_OK(store_->FinishTry(a, 2, TaskState::kSuccess, Day(3), ""));

  ASSERT_OK_AND_ASSIGN(auto tries, store_->ListTries(a));
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(tries[0].try_number, 1);
  EXPECT_EQ(tries[0].state, TaskState::kFailed);
  EXPECT_EQ(tries[0].start_date, Day(0));
  EXPECT_EQ(tries[0].end_date, Day(1));
  EXPECT_EQ(tries[0].pid, 100);
  EXPECT_EQ(tries[0].hostname, "h");
  EXPECT_EQ(tries[0].log_path, "/logs/attempt=1.log");
  EXPECT_EQ(tries[0].error, "exit status 3");
  EXPECT_EQ(tries[1].try_number, 2);
  EXPECT_EQ(tries[1].state, TaskState::kSuccess);
  EXPECT_EQ(tries[1].error, "");
  EXPECT_TRUE(store_->ListTries({"d", "r", "b"})->empty());
}

TEST_F(SqliteTasksTest, RestartedTryKeepsItsFirstStart) {
  TaskInstanceKey a{"d", "r", "a"};
  ASSERT_OK(store_->StartTry(testing::Try(a, 1, Day(0))));
  ASSERT_OK(store_->FinishTry(a, 1, TaskState::kUpForReschedule, Day(1), ""));
  TaskTryModel poke = testing::Try(a, 1, Day(2));
  poke.pid = 7;
  ASSERT_OK(store_->StartTry(poke));
  ASSERT_OK_AND_ASSIGN(auto tries, store_->ListTries(a));
  ASSERT_EQ(tries.size(), 1u);
  EXPECT_EQ(tries[0].start_date, Day(0));
  EXPECT_EQ(tries[0].state, TaskState::kRunning);
  EXPECT_FALSE(tries[0].end_date.has_value());
  EXPECT_EQ(tries[0].pid, 7);
}

TEST_F(SqliteTasksTest, TriesOfMissingTasksAreNotFound) {
  EXPECT_EQ(store_->StartTry(testing::Try({"d", "r", "ghost"}, 1, Day(0))).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->FinishTry({"d", "r", "a"}, 9, TaskState::kFailed, Day(0), "").code(),
            StatusCode::kNotFound);
}

TEST_F(SqliteTasksTest, XComPushPullReplaceClear) {
  TaskInstanceKey a{"d", "r", "a"};
  TaskInstanceKey b{"d", "r", "b"};
  ASSERT_OK(store_->PushXCom(testing::XCom(a, "return_value", "j-123")));
  ASSERT_OK(store_->PushXCom(testing::XCom(a, "steps", {"s-1", "s-2"})));
  ASSERT_OK(store_->PushXCom(testing::XCom(b, "return_value", {{"n", 1}})));

  ASSERT_OK_AND_ASSIGN(XComModel got, store_->PullXCom(a, "return_value"));
  EXPECT_EQ(got.value, "j-123");
  EXPECT_TRUE(got.timestamp.has_value());
  ASSERT_OK_AND_ASSIGN(XComModel steps, store_->PullXCom(a, "steps"));
  EXPECT_EQ(steps.value[1], "s-2");

  ASSERT_OK(store_->PushXCom(testing::XCom(a, "return_value", nullptr)));
  EXPECT_TRUE(store_->PullXCom(a, "return_value")->value.is_null());

  ASSERT_OK_AND_ASSIGN(auto all, store_->ListXComs(run_));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].task_id, "a");
  EXPECT_EQ(all[0].key, "return_value");
  EXPECT_EQ(all[1].key, "steps");
  EXPECT_EQ(all[2].task_id, "b");

  ASSERT_OK(store_->ClearXComs(a));
  auto cleared = store_->PullXCom(a, "steps");
  EXPECT_EQ(cleared.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cleared.status().message(), "no XCom 'steps' for task instance 'd' / 'r' / 'a'");
  EXPECT_EQ(store_->PullXCom(b, "return_value")->value["n"], 1);

  EXPECT_EQ(store_->PushXCom(testing::XCom({"d", "r", "ghost"}, "k", 1)).code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::orchestrator
