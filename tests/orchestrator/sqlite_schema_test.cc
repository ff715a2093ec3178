// Opening the SQLite metadata database, its pragmas, and migrations between schema versions.
#include <sqlite3.h>

#include "orchestrator/sqlite_migrations.h"
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using sluice::testing::TempDir;
using testing::Day;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs one query on its own connection and returns the first column of the first row.
std::string QueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    out = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Runs a script on its own connection; true if it succeeded.
bool Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc == SQLITE_OK;
}

std::unique_ptr<SqliteStore> OpenOrDie(const std::string& path) {
  auto store = SqliteStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST(SqliteSchemaTest, OpenFailureNamesTheFile) {
  TempDir dir;
  const std::string path = dir.Path("no/such/folder/sluice.db");
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status().ToString();
}

TEST(SqliteSchemaTest, OpenWithoutCreateDoesNotCreate) {
  TempDir dir;
  SqliteOptions options;
  options.create_if_missing = false;
  EXPECT_FALSE(SqliteStore::Open(dir.Path("sluice.db"), options).ok());
  EXPECT_FALSE(dir.Exists("sluice.db"));
}

TEST(SqliteSchemaTest, UsesWalAndForeignKeys) {
  TempDir dir;
  auto store = OpenOrDie(dir.Path("sluice.db"));
  ASSERT_OK(store->Init());
  // journal_mode=WAL is a property of the file: any other connection sees it.
  EXPECT_EQ(QueryText(dir.Path("sluice.db"), "PRAGMA journal_mode"), "wal");
  // foreign_keys is per connection: prove the store's connections enforce it.
  DagRunModel run;
  run.dag_id = "nope";
  run.run_id = "r";
  auto created = store->CreateDagRun(run);
  EXPECT_EQ(created.status().code(), StatusCode::kNotFound);
  auto tis = store->CreateTaskInstances({"nope", "r"}, {{"a", "empty", 0}});
  EXPECT_EQ(tis.status().code(), StatusCode::kNotFound);
}

TEST(SqliteSchemaTest, InitFromEmptyReachesTheLatestVersion) {
  TempDir dir;
  auto store = OpenOrDie(dir.Path("sluice.db"));
  ASSERT_OK_AND_ASSIGN(SchemaVersion before, store->GetSchemaVersion());
  EXPECT_EQ(before.current, 0);
  EXPECT_EQ(before.latest, sqlite::LatestSchemaVersion());
  EXPECT_GE(before.latest, 2);
  ASSERT_OK(store->Init());
  ASSERT_OK_AND_ASSIGN(SchemaVersion after, store->GetSchemaVersion());
  EXPECT_EQ(after.current, after.latest);
  EXPECT_OK(store->Check());
  // Every migration is recorded.
  EXPECT_EQ(QueryText(dir.Path("sluice.db"), "SELECT group_concat(version) FROM schema_version"),
            "1,2,3,4,5");
  // Idempotent.
  ASSERT_OK(store->Init());
  ASSERT_OK_AND_ASSIGN(MigrationResult again, store->Migrate());
  EXPECT_EQ(again.from_version, after.latest);
  EXPECT_EQ(again.to_version, after.latest);
}

TEST(SqliteSchemaTest, MigrateOnEmptyDatabaseCreatesTheSchema) {
  TempDir dir;
  auto store = OpenOrDie(dir.Path("sluice.db"));
  ASSERT_OK_AND_ASSIGN(MigrationResult result, store->Migrate());
  EXPECT_EQ(result.from_version, 0);
  EXPECT_EQ(result.to_version, sqlite::LatestSchemaVersion());
}

TEST(SqliteSchemaTest, CheckMessagesSayWhatToRun) {
  TempDir dir;
  const std::string path = dir.Path("sluice.db");
  auto store = OpenOrDie(path);
  Status empty = store->Check();
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(Contains(empty.message(), path)) << empty.message();
  EXPECT_TRUE(Contains(empty.message(), "run `sluice db init`")) << empty.message();

  ASSERT_OK(store->MigrateTo(1).status());
  Status old = store->Check();
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.message(), "database '" + path +
                               "' is at schema version 1, sluice expects 5: run `sluice db "
                               "migrate`");

  ASSERT_OK(store->Migrate().status());
  EXPECT_OK(store->Check());
}

TEST(SqliteSchemaTest, NewerDatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.Path("sluice.db");
  auto store = OpenOrDie(path);
  ASSERT_OK(store->Init());
  ASSERT_TRUE(Exec(path, "INSERT INTO schema_version VALUES (99, 'future', 0)"));
  Status check = store->Check();
  ASSERT_FALSE(check.ok());
  EXPECT_TRUE(Contains(check.message(), "version 99")) << check.message();
  EXPECT_TRUE(Contains(check.message(), "upgrade sluice")) << check.message();
  auto migrate = store->Migrate();
  ASSERT_FALSE(migrate.ok());
  EXPECT_TRUE(Contains(migrate.status().message(), "upgrade sluice"));
}

TEST(SqliteSchemaTest, ForeignDatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.Path("other.db");
  ASSERT_TRUE(Exec(path, "CREATE TABLE t (x)"));
  auto store = OpenOrDie(path);
  Status init = store->Init();
  ASSERT_FALSE(init.ok());
  EXPECT_TRUE(Contains(init.message(), "not a sluice metadata database")) << init.message();
}

TEST(SqliteSchemaTest, MissingSchemaErrorsHintAtMigrate) {
  TempDir dir;
  auto store = OpenOrDie(dir.Path("sluice.db"));
  auto dag = store->GetDag("x");
  ASSERT_FALSE(dag.ok());
  EXPECT_TRUE(Contains(dag.status().message(), "sluice db migrate")) << dag.status().ToString();
  EXPECT_TRUE(Contains(dag.status().message(), dir.Path("sluice.db")));
}

TEST(SqliteSchemaTest, MigrationFromVersionOneKeepsData) {
  TempDir dir;
  auto store = OpenOrDie(dir.Path("sluice.db"));
  ASSERT_OK_AND_ASSIGN(MigrationResult v1, store->MigrateTo(1));
  EXPECT_EQ(v1.to_version, 1);
  // Version 1 has no users yet.
  EXPECT_FALSE(store->ListUsers().ok());

  DagModel dag;
  dag.dag_id = "salary";
  dag.fileloc = "/dags/salary.yml";
  ASSERT_OK(store->UpsertDag(dag));
  DagRunModel run;
  run.dag_id = "salary";
  run.run_id = "manual__1";
  run.logical_date = Day(0);
  run.conf = {{"k", "v"}};
  ASSERT_OK(store->CreateDagRun(run).status());
  ASSERT_OK(store->CreateTaskInstances(run.key(), {{"t", "command", 2}}).status());
  ASSERT_OK(store->SetVariable({"bucket", "file:///w", ""}));

  ASSERT_OK_AND_ASSIGN(MigrationResult latest, store->Migrate());
  EXPECT_EQ(latest.from_version, 1);
  EXPECT_EQ(latest.to_version, sqlite::LatestSchemaVersion());
  EXPECT_OK(store->Check());

  ASSERT_OK_AND_ASSIGN(DagRunModel got, store->GetDagRun(run.key()));
  EXPECT_EQ(got.conf, run.conf);
  ASSERT_OK_AND_ASSIGN(TaskInstanceModel ti, store->GetTaskInstance({"salary", "manual__1", "t"}));
  EXPECT_EQ(ti.max_tries, 2);
  ASSERT_OK_AND_ASSIGN(VariableModel var, store->GetVariable("bucket"));
  EXPECT_EQ(var.value, "file:///w");
  ASSERT_OK(store->CreateUser({"admin", "admin", "hash", std::nullopt}));
  // The work-queue index arrived with version 2.
  EXPECT_EQ(QueryText(dir.Path("sluice.db"),
                      "SELECT name FROM sqlite_schema WHERE name = 'task_instance_state'"),
            "task_instance_state");
}

TEST(SqliteSchemaTest, MigrationsAreNumberedInOrder) {
  int expected = 1;
  for (const sqlite::Migration& m : sqlite::Migrations()) {
    EXPECT_EQ(m.version, expected++);
    EXPECT_NE(std::string(m.description), "");
  }
  EXPECT_EQ(sqlite::LatestSchemaVersion(), expected - 1);
}

}  // namespace
}  // namespace sluice::orchestrator
