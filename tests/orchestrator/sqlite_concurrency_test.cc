// The SQLite metadata store under concurrent use: transactions, several threads on one store,
// several processes on one file, a lock held too long, and the cost of a task transition.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>

#include "common/thread_pool.h"
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using testing::Day;

class SqliteConcurrencyTest : public testing::StoreTest {
 protected:
  // Adds 1 to variable `counter` in a read-modify-write transaction: lost updates would show.
  static Status Increment(MetadataStore& store) {
    return store.WithTransaction([&]() -> Status {
      auto current = store.GetVariable("counter");
      int value = current.ok() ? std::stoi(current->value) : 0;
      return store.SetVariable({"counter", std::to_string(value + 1), ""});
    });
  }

  int Counter() {
    auto v = store_->GetVariable("counter");
    return v.ok() ? std::stoi(v->value) : -1;
  }

  // A run "many" of DAG "d" with `n` tasks t0..t<n-1>.
  DagRunKey AddWideRun(int n) {
    AddDag("d");
    DagRunModel run;
    run.dag_id = "d";
    run.run_id = "many";
    run.logical_date = Day(0);
    EXPECT_OK(store_->CreateDagRun(run).status());
    std::vector<NewTaskInstance> tasks;
    for (int i = 0; i < n; ++i) tasks.push_back({"t" + std::to_string(i), "command", 0});
    auto created = store_->CreateTaskInstances(run.key(), tasks);
    EXPECT_TRUE(created.ok() && *created == n);
    return run.key();
  }
};

TEST_F(SqliteConcurrencyTest, TransactionCommitsOrRollsBack) {
  ASSERT_OK(store_->WithTransaction([&]() -> Status {
    RETURN_NOT_OK(store_->SetVariable({"a", "1", ""}));
    // Reads inside the transaction see its own writes.
    EXPECT_EQ(store_->GetVariable("a")->value, "1");
    return store_->SetVariable({"b", "2", ""});
  }));
  EXPECT_EQ(store_->ListVariables()->size(), 2u);

  Status failed = store_->WithTransaction([&]() -> Status {
    RETURN_NOT_OK(store_->SetVariable({"c", "3", ""}));
    RETURN_NOT_OK(store_->DeleteVariable("a"));
    return Status::Cancelled("changed my mind");
  });
  EXPECT_EQ(failed.code(), StatusCode::kCancelled);
  EXPECT_EQ(store_->GetVariable("c").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetVariable("a")->value, "1");
}

TEST_F(SqliteConcurrencyTest, NestedTransactionRollsBackOnlyItsPart) {
  ASSERT_OK(store_->WithTransaction([&]() -> Status {
    RETURN_NOT_OK(store_->SetVariable({"outer", "1", ""}));
    Status inner = store_->WithTransaction([&]() -> Status {
      RETURN_NOT_OK(store_->SetVariable({"inner", "1", ""}));
      return Status::Cancelled("inner fails");
    });
    EXPECT_EQ(inner.code(), StatusCode::kCancelled);
    // A method with its own transaction (a savepoint here) still works.
    AddDag("d");
    return Status::OK();
  }));
  EXPECT_TRUE(store_->GetVariable("outer").ok());
  EXPECT_EQ(store_->GetVariable("inner").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetDag("d").ok());
}

TEST_F(SqliteConcurrencyTest, ManyThreadsShareOneStore) {
  const int kThreads = 4;
  const int kEach = 40;
  DagRunKey run = AddWideRun(kThreads * kEach);
  ThreadPool pool(kThreads);
  std::atomic<int> claimed{0};
  Status st = pool.ParallelFor(kThreads, [&](size_t worker) -> Status {
    for (int i = 0; i < kEach; ++i) {
      RETURN_NOT_OK(Increment(*store_));
      // Every worker tries every task: each must be claimed exactly once.
      int task = (i * kThreads + static_cast<int>(worker) * 7) % (kThreads * kEach);
      for (int k = 0; k < kThreads; ++k) {
        TaskInstanceKey key{run.dag_id, run.run_id,
                            "t" + std::to_string((task + k) % (kThreads * kEach))};
        TaskInstanceUpdate u;
        u.state = TaskState::kRunning;
        u.hostname = "worker-" + std::to_string(worker);
        ASSIGN_OR_RETURN(bool mine, store_->TransitionTaskInstance(key, {TaskState::kNone}, u));
        if (mine) claimed.fetch_add(1);
      }
      RETURN_NOT_OK(store_->ListTaskInstances(run).status());
    }
    return Status::OK();
  });
  ASSERT_OK(st);
  EXPECT_EQ(Counter(), kThreads * kEach);
  ASSERT_OK_AND_ASSIGN(auto none, store_->ListTaskInstancesInStates({TaskState::kNone}));
  EXPECT_EQ(claimed.load() + static_cast<int>(none.size()), kThreads * kEach);
  EXPECT_GT(claimed.load(), 0);
}

// Each child opens the database itself (SQLite connections must not cross a fork), waits for
// the start signal, then races the other child. Exit status 0 only if nothing failed.
[[noreturn]] void ChildProcess(const std::string& path, int child, int start_fd, int tasks,
                               int increments) {
  char go;
  if (read(start_fd, &go, 1) < 0) _exit(10);
  auto opened = SqliteStore::Open(path);
  if (!opened.ok()) {
    fprintf(stderr, "child %d: %s\n", child, opened.status().ToString().c_str());
    _exit(11);
  }
  SqliteStore& store = **opened;
  for (int i = 0; i < std::max(tasks, increments); ++i) {
    Status st;
    if (i < increments) {
      st = store.WithTransaction([&]() -> Status {
        auto current = store.GetVariable("counter");
        int value = current.ok() ? std::stoi(current->value) : 0;
        return store.SetVariable({"counter", std::to_string(value + 1), ""});
      });
    }
    if (st.ok() && i < tasks) {
      TaskInstanceUpdate u;
      u.state = TaskState::kRunning;
      u.pid = static_cast<int64_t>(getpid());
      u.hostname = "child-" + std::to_string(child);
      TaskInstanceKey key{"d", "many", "t" + std::to_string(child == 0 ? i : tasks - 1 - i)};
      st = store.TransitionTaskInstance(key, {TaskState::kNone}, u).status();
    }
    if (!st.ok()) {
      fprintf(stderr, "child %d: %s\n", child, st.ToString().c_str());
      _exit(12);
    }
  }
  _exit(0);
}

TEST_F(SqliteConcurrencyTest, TwoProcessesUpdateTheSameDatabase) {
  const int kTasks = 300;
  const int kIncrements = 150;
  AddWideRun(kTasks);
  store_.reset();  // the parent holds no connection while the children race

  int start[2];
  ASSERT_EQ(pipe(start), 0);
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(start[1]);
      ChildProcess(db_path_, child, start[0], kTasks, kIncrements);
    }
    children.push_back(pid);
  }
  close(start[0]);
  ASSERT_EQ(write(start[1], "gg", 2), 2);
  close(start[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a child failed; see its message above";
  }

  auto reopened = SqliteStore::Open(db_path_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(reopened).value();
  EXPECT_EQ(Counter(), 2 * kIncrements);
  ASSERT_OK_AND_ASSIGN(auto tis, store_->ListTaskInstances({"d", "many"}));
  int by_child[2] = {0, 0};
  for (const auto& ti : tis) {
    ASSERT_EQ(ti.state, TaskState::kRunning) << ti.task_id;
    ASSERT_TRUE(ti.hostname == "child-0" || ti.hostname == "child-1") << ti.hostname;
    ++by_child[ti.hostname == "child-1"];
  }
  EXPECT_EQ(by_child[0] + by_child[1], kTasks);
}

TEST_F(SqliteConcurrencyTest, LockHeldTooLongGivesAClearError) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  SqliteOptions impatient;
  impatient.busy_timeout = std::chrono::milliseconds(50);
  impatient.busy_retries = 1;
  auto opened = SqliteStore::Open(db_path_, impatient);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto& store = **opened;
  // Readers are not blocked by a writer (WAL).
  EXPECT_TRUE(store.ListVariables().ok());
  Status write = store.SetVariable({"k", "v", ""});
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.message().find("database '" + db_path_ + "' is locked"), std::string::npos)
      << write.message();
  EXPECT_NE(write.message().find("more than 50 ms"), std::string::npos) << write.message();
  Status txn = store.WithTransaction([] { return Status::OK(); });
  EXPECT_FALSE(txn.ok());
  EXPECT_NE(txn.message().find("is locked"), std::string::npos) << txn.message();

  sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_OK(store.SetVariable({"k", "v", ""}));
}

TEST_F(SqliteConcurrencyTest, ThousandTransitionsTakeWellUnderASecond) {
  const int kTasks = 250;
  DagRunKey run = AddWideRun(kTasks);
  const std::vector<std::pair<TaskState, TaskState>> steps = {
      {TaskState::kNone, TaskState::kScheduled},
      {TaskState::kScheduled, TaskState::kQueued},
      {TaskState::kQueued, TaskState::kRunning},
      {TaskState::kRunning, TaskState::kSuccess},
  };
  auto start = std::chrono::steady_clock::now();
  int transitions = 0;
  for (const auto& [from, to] : steps) {
    for (int i = 0; i < kTasks; ++i) {
      TaskInstanceUpdate u;
      u.state = to;
      if (to == TaskState::kRunning) {
        u.start_date = Now();
        u.increment_try_number = true;
        u.pid = int64_t{1000 + i};
      }
      if (to == TaskState::kSuccess) u.end_date = Now();
      ASSERT_OK_AND_ASSIGN(bool done,
                           store_->TransitionTaskInstance(
                               {run.dag_id, run.run_id, "t" + std::to_string(i)}, {from}, u));
      ASSERT_TRUE(done);
      ++transitions;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d transitions in %.3f s (%.1f us each)\n", transitions, seconds,
              1e6 * seconds / transitions);
  EXPECT_EQ(transitions, 1000);
  EXPECT_LT(seconds, 5.0);
  ASSERT_OK_AND_ASSIGN(auto done, store_->ListTaskInstancesInStates({TaskState::kSuccess}));
  EXPECT_EQ(static_cast<int>(done.size()), kTasks);
  EXPECT_EQ(done[0].try_number, 1);
  EXPECT_TRUE(done[0].duration.has_value());
}

}  // namespace
}  // namespace sluice::orchestrator
