// DAGs and import errors in the SQLite metadata store.
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using testing::Day;

class SqliteDagsTest : public testing::StoreTest {};

DagModel MakeDag(const std::string& id, const std::string& file) {
  DagModel dag;
  dag.dag_id = id;
  dag.fileloc = file;
  dag.schedule = "@daily";
  dag.timezone = "Europe/Paris";
  dag.description = "Average salary";
  dag.tags = {"salary", "étl"};
  dag.last_parsed_at = Day(0);
  dag.max_active_runs = 1;
  return dag;
}

TEST_F(SqliteDagsTest, UpsertAndGetRoundTrip) {
  DagModel dag = MakeDag("salary", "/dags/salary.yml");
  dag.import_error = "salary.yml:3:5: unknown key 'shedule'";
  dag.next_dagrun = {Day(1), Day(1), Day(2), Day(2)};
  ASSERT_OK(store_->UpsertDag(dag));
  ASSERT_OK_AND_ASSIGN(DagModel got, store_->GetDag("salary"));
  EXPECT_EQ(got.dag_id, "salary");
  EXPECT_EQ(got.fileloc, "/dags/salary.yml");
  EXPECT_FALSE(got.is_paused);
  EXPECT_TRUE(got.is_active);
  EXPECT_EQ(got.schedule, "@daily");
  EXPECT_EQ(got.timezone, "Europe/Paris");
  EXPECT_EQ(got.description, "Average salary");
  EXPECT_EQ(got.tags, (std::vector<std::string>{"salary", "étl"}));
  EXPECT_EQ(got.import_error, dag.import_error);
  EXPECT_EQ(got.last_parsed_at, Day(0));
  EXPECT_EQ(got.max_active_runs, 1);
  EXPECT_EQ(got.next_dagrun.logical_date, Day(1));
  EXPECT_EQ(got.next_dagrun.data_interval_start, Day(1));
  EXPECT_EQ(got.next_dagrun.data_interval_end, Day(2));
  EXPECT_EQ(got.next_dagrun.create_after, Day(2));
}

TEST_F(SqliteDagsTest, ManualOnlyScheduleIsEmpty) {
  DagModel dag = MakeDag("manual", "/dags/m.yml");
  dag.schedule.reset();
  ASSERT_OK(store_->UpsertDag(dag));
  ASSERT_OK_AND_ASSIGN(DagModel got, store_->GetDag("manual"));
  EXPECT_FALSE(got.schedule.has_value());
  EXPECT_FALSE(got.import_error.has_value());
  EXPECT_FALSE(got.next_dagrun.logical_date.has_value());
}

TEST_F(SqliteDagsTest, ReparseKeepsPauseAndNextRunButUpdatesTheRest) {
  ASSERT_OK(store_->UpsertDag(MakeDag("salary", "/dags/salary.yml")));
  ASSERT_OK(store_->SetDagPaused("salary", true));
  ASSERT_OK(store_->SetNextDagRun("salary", {Day(5), Day(5), Day(6), Day(6)}));

  DagModel reparsed = MakeDag("salary", "/dags/moved.yml");
  reparsed.schedule = "0 6 * * *";
  reparsed.tags = {};
  reparsed.is_paused = false;  // only applies to a new row
  ASSERT_OK(store_->UpsertDag(reparsed));

  ASSERT_OK_AND_ASSIGN(DagModel got, store_->GetDag("salary"));
  EXPECT_TRUE(got.is_paused);
  EXPECT_EQ(got.next_dagrun.logical_date, Day(5));
  EXPECT_EQ(got.fileloc, "/dags/moved.yml");
  EXPECT_EQ(got.schedule, "0 6 * * *");
  EXPECT_TRUE(got.tags.empty());
}

TEST_F(SqliteDagsTest, NewDagCanStartPaused) {
  DagModel dag = MakeDag("p", "/dags/p.yml");
  dag.is_paused = true;
  ASSERT_OK(store_->UpsertDag(dag));
  EXPECT_TRUE(store_->GetDag("p")->is_paused);
  ASSERT_OK(store_->SetDagPaused("p", false));
  EXPECT_FALSE(store_->GetDag("p")->is_paused);
}

TEST_F(SqliteDagsTest, MissingDagIsNotFound) {
  auto dag = store_->GetDag("ghost");
  EXPECT_EQ(dag.status().code(), StatusCode::kNotFound);
  EXPECT_NE(dag.status().message().find("'ghost'"), std::string::npos);
  EXPECT_EQ(store_->SetDagPaused("ghost", true).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetNextDagRun("ghost", {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteDag("ghost").code(), StatusCode::kNotFound);
}

TEST_F(SqliteDagsTest, ClearingNextRun) {
  ASSERT_OK(store_->UpsertDag(MakeDag("d", "/dags/d.yml")));
  ASSERT_OK(store_->SetNextDagRun("d", {Day(1), Day(1), Day(2), Day(2)}));
  ASSERT_OK(store_->SetNextDagRun("d", {}));
  ASSERT_OK_AND_ASSIGN(DagModel got, store_->GetDag("d"));
  EXPECT_FALSE(got.next_dagrun.logical_date || got.next_dagrun.data_interval_start ||
               got.next_dagrun.data_interval_end || got.next_dagrun.create_after);
}

TEST_F(SqliteDagsTest, ListFiltersAndSortsById) {
  ASSERT_OK(store_->UpsertDag(MakeDag("b", "/dags/b.yml")));
  ASSERT_OK(store_->UpsertDag(MakeDag("a", "/dags/a.yml")));
  ASSERT_OK(store_->UpsertDag(MakeDag("c", "/dags/c.yml")));
  ASSERT_OK(store_->SetDagPaused("c", true));
  ASSERT_OK_AND_ASSIGN(int gone, store_->MarkDagsInactiveExcept({"/dags/b.yml", "/dags/c.yml"}));
  EXPECT_EQ(gone, 1);

  auto ids = [](const std::vector<DagModel>& dags) {
    std::vector<std::string> out;
    for (const auto& d : dags) out.push_back(d.dag_id);
    return out;
  };
  DagFilter filter;
  ASSERT_OK_AND_ASSIGN(auto active, store_->ListDags(filter));
  EXPECT_EQ(ids(active), (std::vector<std::string>{"b", "c"}));
  filter.include_inactive = true;
  ASSERT_OK_AND_ASSIGN(auto all, store_->ListDags(filter));
  EXPECT_EQ(ids(all), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(all[0].is_active);
  filter.include_inactive = false;
  filter.is_paused = false;
  ASSERT_OK_AND_ASSIGN(auto unpaused, store_->ListDags(filter));
  EXPECT_EQ(ids(unpaused), (std::vector<std::string>{"b"}));
  filter.is_paused = true;
  ASSERT_OK_AND_ASSIGN(auto paused, store_->ListDags(filter));
  EXPECT_EQ(ids(paused), (std::vector<std::string>{"c"}));
}

TEST_F(SqliteDagsTest, MarkInactiveCountsOnlyChangesAndReparseReactivates) {
  ASSERT_OK(store_->UpsertDag(MakeDag("a", "/dags/a.yml")));
  ASSERT_OK(store_->UpsertDag(MakeDag("b", "/dags/b.yml")));
  EXPECT_EQ(*store_->MarkDagsInactiveExcept({}), 2);
  EXPECT_EQ(*store_->MarkDagsInactiveExcept({}), 0);
  ASSERT_OK(store_->UpsertDag(MakeDag("a", "/dags/a.yml")));
  EXPECT_TRUE(store_->GetDag("a")->is_active);
  EXPECT_FALSE(store_->GetDag("b")->is_active);
}

TEST_F(SqliteDagsTest, RenamedDagInTheSameFileGoesInactive) {
  ASSERT_OK(store_->UpsertDag(MakeDag("old_name", "/dags/x.yml")));
  ASSERT_OK(store_->UpsertDag(MakeDag("new_name", "/dags/x.yml")));
  ASSERT_OK(store_->UpsertDag(MakeDag("other", "/dags/y.yml")));
  ASSERT_OK_AND_ASSIGN(int gone, store_->MarkDagsOfFileInactiveExcept("/dags/x.yml", {"new_name"}));
  EXPECT_EQ(gone, 1);
  EXPECT_FALSE(store_->GetDag("old_name")->is_active);
  EXPECT_TRUE(store_->GetDag("new_name")->is_active);
  EXPECT_TRUE(store_->GetDag("other")->is_active);
}

TEST_F(SqliteDagsTest, ImportErrorsPerFile) {
  ASSERT_OK(store_->SetImportError({"/dags/b.yml", "b.yml:1:1: bad", Day(0)}));
  ASSERT_OK(store_->SetImportError({"/dags/a.yml", "a.yml:2:3: cycle", Day(0)}));
  ASSERT_OK(store_->SetImportError({"/dags/a.yml", "a.yml:4:1: duplicate task id", Day(1)}));
  ASSERT_OK_AND_ASSIGN(auto errors, store_->ListImportErrors());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].filename, "/dags/a.yml");
  EXPECT_EQ(errors[0].message, "a.yml:4:1: duplicate task id");
  EXPECT_EQ(errors[0].timestamp, Day(1));
  EXPECT_EQ(errors[1].filename, "/dags/b.yml");

  ASSERT_OK(store_->ClearImportError("/dags/a.yml"));
  ASSERT_OK(store_->ClearImportError("/dags/never.yml"));
  EXPECT_EQ(store_->ListImportErrors()->size(), 1u);

  ASSERT_OK(store_->SetImportError({"/dags/c.yml", "c", Day(0)}));
  ASSERT_OK(store_->ClearImportErrorsExcept({"/dags/c.yml"}));
  ASSERT_OK_AND_ASSIGN(errors, store_->ListImportErrors());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].filename, "/dags/c.yml");
}

TEST_F(SqliteDagsTest, DeleteDagCascadesToRunsTasksTriesAndXComs) {
  AddDag("d");
  DagRunKey run = AddRun("d", "r1", 0);
  TaskInstanceKey a{"d", "r1", "a"};
  ASSERT_OK(store_->StartTry(testing::Try(a, 1, Day(0))));
  ASSERT_OK(store_->PushXCom(testing::XCom(a, "return_value", 42)));
  AddDag("keep");
  AddRun("keep", "r1", 0);

  ASSERT_OK(store_->DeleteDag("d"));
  EXPECT_EQ(store_->GetDagRun(run).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetTaskInstance(a).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListTries(a)->empty());
  EXPECT_EQ(store_->PullXCom(a, "return_value").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTaskInstances({"keep", "r1"})->size(), 3u);
}

}  // namespace
}  // namespace sluice::orchestrator
