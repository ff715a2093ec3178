// Fixtures for the metadata store tests: a fresh SQLite store in a temporary folder, and a DAG
// with a run and task instances to hang rows on.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../storage/temp_dir.h"
#include "orchestrator/sqlite_store.h"

namespace sluice::orchestrator::testing {

// 2026-11-01T00:00:00Z plus `days`.
inline TimePoint Day(int days) {
  return TimePoint(std::chrono::seconds(1793491200LL + 86400LL * days));
}

#ifndef ASSERT_OK
#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::sluice::Status _s = (expr);                     \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

#define EXPECT_OK(expr)                                     \
  do {                                                      \
    const ::sluice::Status _s = (expr);                     \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

// `ASSERT_OK_AND_ASSIGN(auto x, store->GetDag("d"));`
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                     \
  auto SLUICE_CONCAT(_r_, __LINE__) = (rexpr);                               \
  ASSERT_TRUE(SLUICE_CONCAT(_r_, __LINE__).ok())                             \
      << #rexpr << ": " << SLUICE_CONCAT(_r_, __LINE__).status().ToString(); \
  lhs = std::move(SLUICE_CONCAT(_r_, __LINE__)).value()
#endif

// Try `n` of `key`, started at `start`.
inline TaskTryModel Try(const TaskInstanceKey& key, int n, TimePoint start) {
  TaskTryModel attempt;
  attempt.dag_id = key.dag_id;
  attempt.run_id = key.run_id;
  attempt.task_id = key.task_id;
  attempt.try_number = n;
  attempt.start_date = start;
  return attempt;
}

inline XComModel XCom(const TaskInstanceKey& key, const std::string& xcom_key,
                      nlohmann::json value) {
  XComModel xcom;
  xcom.dag_id = key.dag_id;
  xcom.run_id = key.run_id;
  xcom.task_id = key.task_id;
  xcom.key = xcom_key;
  xcom.value = std::move(value);
  return xcom;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_path_ = dir_.Path("sluice.db");
    auto store = SqliteStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_OK(store_->Init());
  }

  // A DAG `dag_id` read from `<dag_id>.yml`.
  void AddDag(const std::string& dag_id) {
    DagModel dag;
    dag.dag_id = dag_id;
    dag.fileloc = dir_.Path("dags/" + dag_id + ".yml");
    ASSERT_OK(store_->UpsertDag(dag));
  }

  // A manual run of `dag_id` at Day(day) with tasks a, b, c.
  DagRunKey AddRun(const std::string& dag_id, const std::string& run_id, int day) {
    DagRunModel run;
    run.dag_id = dag_id;
    run.run_id = run_id;
    run.logical_date = Day(day);
    auto created = store_->CreateDagRun(run);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    auto tis = store_->CreateTaskInstances(
        run.key(), {{"a", "command", 1}, {"b", "bash", 0}, {"c", "empty", 0}});
    EXPECT_TRUE(tis.ok()) << tis.status().ToString();
    return run.key();
  }

  sluice::testing::TempDir dir_;
  std::string db_path_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace sluice::orchestrator::testing
