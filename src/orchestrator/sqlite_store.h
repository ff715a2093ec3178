// The embedded metadata store: one SQLite file (SLUICE_HOME/sluice.db) shared by the
// scheduler, task processes, CLI and server. Each thread works on a connection of its own from
// a small pool, so readers never wait on each other and writers queue on SQLite's lock.
// Connections do not survive fork(): a child process opens a store of its own.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "orchestrator/metadata_store.h"
#include "orchestrator/sqlite_options.h"

namespace sluice::orchestrator {

namespace sqlite {
class Connection;
}

class SqliteStore final : public MetadataStore, public cluster::ClusterStore {
 public:
  // Opens (creating if missing) the database at `path`; does not touch its schema: call
  // Init() or Check() next. The error names the file.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SqliteOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& path() const { return path_; }
  // Applies migrations up to `version` only (tests start from older schemas this way).
  Result<MigrationResult> MigrateTo(int version);

  Status Init() override;
  Result<MigrationResult> Migrate() override;
  Result<SchemaVersion> GetSchemaVersion() override;
  Status Check() override;
  Status WithTransaction(const std::function<Status()>& fn) override;

  Status UpsertDag(const DagModel& dag) override;
  Result<DagModel> GetDag(std::string_view dag_id) override;
  Result<std::vector<DagModel>> ListDags(const DagFilter& filter) override;
  Status SetDagPaused(std::string_view dag_id, bool paused) override;
  Status SetNextDagRun(std::string_view dag_id, const NextDagRun& next) override;
  Result<int> MarkDagsInactiveExcept(const std::vector<std::string>& files_seen) override;
  Result<int> MarkDagsOfFileInactiveExcept(std::string_view fileloc,
                                           const std::vector<std::string>& dag_ids) override;
  Status DeleteDag(std::string_view dag_id) override;

  Status SetImportError(const ImportErrorModel& error) override;
  Status ClearImportError(std::string_view filename) override;
  Status ClearImportErrorsExcept(const std::vector<std::string>& files_seen) override;
  Result<std::vector<ImportErrorModel>> ListImportErrors() override;

  Result<DagRunModel> CreateDagRun(const DagRunModel& run) override;
  Result<DagRunModel> GetDagRun(const DagRunKey& key) override;
  Result<std::vector<DagRunModel>> ListDagRuns(const DagRunQuery& query) override;
  Status SetDagRunState(const DagRunKey& key, DagRunState state, TimePoint at) override;
  Result<int> CountActiveRuns(std::string_view dag_id) override;
  Status DeleteDagRun(const DagRunKey& key) override;

  Result<int> CreateTaskInstances(const DagRunKey& run,
                                  const std::vector<NewTaskInstance>& tasks) override;
  Result<TaskInstanceModel> GetTaskInstance(const TaskInstanceKey& key) override;
  Result<std::vector<TaskInstanceModel>> ListTaskInstances(const DagRunKey& run) override;
  Result<std::vector<TaskInstanceModel>> ListTaskInstancesInStates(
      const std::vector<TaskState>& states) override;
  Result<bool> TransitionTaskInstance(const TaskInstanceKey& key,
                                      const std::vector<TaskState>& allowed_from,
                                      const TaskInstanceUpdate& update) override;

  Status StartTry(const TaskTryModel& attempt) override;
  Status FinishTry(const TaskInstanceKey& key, int try_number, TaskState state, TimePoint end_date,
                   std::string_view error) override;
  Result<std::vector<TaskTryModel>> ListTries(const TaskInstanceKey& key) override;

  Status PushXCom(const XComModel& xcom) override;
  Result<XComModel> PullXCom(const TaskInstanceKey& key, std::string_view xcom_key) override;
  Result<std::vector<XComModel>> ListXComs(const DagRunKey& run) override;
  Status ClearXComs(const TaskInstanceKey& key) override;

  Result<VariableModel> GetVariable(std::string_view key) override;
  Status SetVariable(const VariableModel& variable) override;
  Status DeleteVariable(std::string_view key) override;
  Result<std::vector<VariableModel>> ListVariables() override;

  Result<ConnectionModel> GetConnection(std::string_view conn_id) override;
  Status SetConnection(const ConnectionModel& connection) override;
  Status DeleteConnection(std::string_view conn_id) override;
  Result<std::vector<ConnectionModel>> ListConnections() override;

  cluster::ClusterStore* clusters() override { return this; }
  Status RecordRunCluster(const RunClusterModel& record) override;
  Result<std::vector<RunClusterModel>> ListRunClusters(const DagRunKey& run) override;
  Result<std::vector<RunClusterModel>> ListClustersOfEndedRuns() override;
  Status MarkRunClusterReaped(const DagRunKey& run, std::string_view cluster_id,
                              TimePoint at) override;

  // cluster::ClusterStore (WithTransaction is shared with MetadataStore).
  Status CreateCluster(const cluster::ClusterRecord& cluster) override;
  Result<cluster::ClusterRecord> GetCluster(std::string_view id) override;
  Result<std::vector<cluster::ClusterRecord>> ListClusters(
      const std::vector<cluster::ClusterState>& states) override;
  Status SaveCluster(const cluster::ClusterRecord& cluster) override;
  Status AddSteps(std::vector<cluster::StepRecord>* steps) override;
  Result<cluster::StepRecord> GetStep(std::string_view cluster_id,
                                      std::string_view step_id) override;
  Result<std::vector<cluster::StepRecord>> ListSteps(std::string_view cluster_id) override;
  Status SaveStep(const cluster::StepRecord& step) override;

  Status CreateUser(const UserModel& user) override;
  Result<UserModel> GetUser(std::string_view username) override;
  Result<std::vector<UserModel>> ListUsers() override;
  Status DeleteUser(std::string_view username) override;

  Status CreateAuthSession(const AuthSessionModel& session) override;
  Result<AuthSessionModel> GetAuthSession(std::string_view secret_sha256, AuthSessionKind kind,
                                          TimePoint now) override;
  Status DeleteAuthSession(std::string_view secret_sha256) override;
  Result<int> PurgeExpiredAuthSessions(TimePoint now) override;

  Result<JobModel> CreateJob(const JobModel& job) override;
  Status HeartbeatJob(int64_t id, TimePoint at, const LoopStats& loop) override;
  Status EndJob(int64_t id, JobState state, TimePoint at) override;
  Result<JobModel> GetMostRecentJob(std::string_view job_type) override;

 private:
  class Lease;
  SqliteStore(std::string path, SqliteOptions options);

  // This thread's connection: the one of its open WithTransaction, else one from the pool.
  Result<Lease> Acquire();
  void Return(std::unique_ptr<sqlite::Connection> conn);
  // f(Connection&) on this thread's connection. Write runs it in a write transaction;
  // WriteOne is for f that writes with one statement, atomic by itself.
  template <typename F>
  auto Read(F&& f);
  template <typename F>
  auto Write(F&& f);
  template <typename F>
  auto WriteOne(F&& f);

  const std::string path_;
  const SqliteOptions options_;
  std::mutex mu_;        // guards idle_ and in_transaction_
  std::mutex write_mu_;  // held by this process's writer, for its whole transaction
  std::vector<std::unique_ptr<sqlite::Connection>> idle_;
  std::unordered_map<std::thread::id, sqlite::Connection*> in_transaction_;
};

}  // namespace sluice::orchestrator
