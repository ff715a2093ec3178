// Where the orchestrator keeps its state (design.md §3, §10): the interface the scheduler, the
// task processes, the CLI and the server code against. SQLite is the embedded backend
// (sqlite_store.h); a PostgreSQL one can implement the same interface later.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_store.h"
#include "common/status.h"
#include "common/time_util.h"
#include "orchestrator/metadata_models.h"

namespace sluice::orchestrator {

// The schema a database has and the one this build of sluice expects.
struct SchemaVersion {
  int current = 0;  // 0 = empty database
  int latest = 0;
};

// What Migrate did: from_version == to_version when nothing was pending.
struct MigrationResult {
  int from_version = 0;
  int to_version = 0;
};

// Every method is safe to call from several threads at once, and several processes may use
// the same database together. Errors name the database. Lookups of a missing row return
// NotFound; creating a row that exists returns AlreadyExists.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- Schema (`sluice db init | migrate | check`) ---
  // Creates the schema in an empty database or migrates an existing one to the latest.
  virtual Status Init() = 0;
  // Applies the pending migrations, each in its own transaction.
  virtual Result<MigrationResult> Migrate() = 0;
  virtual Result<SchemaVersion> GetSchemaVersion() = 0;
  // OK when the schema is current, else a message saying what to run.
  virtual Status Check() = 0;

  // Runs fn in one transaction (taking the write lock first): committed if it returns OK,
  // rolled back otherwise. Calls to this store from fn on the same thread join the
  // transaction; nesting is allowed. Do not wait on other threads that write meanwhile.
  virtual Status WithTransaction(const std::function<Status()>& fn) = 0;

  // --- DAGs (written by the DAG file processor) ---
  // Inserts or updates what the DAG file says. is_paused and next_dagrun are taken from
  // `dag` only when the row is created: afterwards they belong to users and the scheduler.
  virtual Status UpsertDag(const DagModel& dag) = 0;
  virtual Result<DagModel> GetDag(std::string_view dag_id) = 0;
  virtual Result<std::vector<DagModel>> ListDags(const DagFilter& filter) = 0;
  virtual Status SetDagPaused(std::string_view dag_id, bool paused) = 0;
  virtual Status SetNextDagRun(std::string_view dag_id, const NextDagRun& next) = 0;
  // Marks inactive every active DAG whose file is not among `files_seen`; returns how many.
  virtual Result<int> MarkDagsInactiveExcept(const std::vector<std::string>& files_seen) = 0;
  // Marks inactive the DAGs read from `fileloc` that it no longer defines (a renamed dag_id).
  virtual Result<int> MarkDagsOfFileInactiveExcept(std::string_view fileloc,
                                                   const std::vector<std::string>& dag_ids) = 0;
  // Deletes the DAG with its runs, task instances, tries and XComs.
  virtual Status DeleteDag(std::string_view dag_id) = 0;

  // Import errors, one per DAG file that does not load.
  virtual Status SetImportError(const ImportErrorModel& error) = 0;
  virtual Status ClearImportError(std::string_view filename) = 0;  // absent is fine
  virtual Status ClearImportErrorsExcept(const std::vector<std::string>& files_seen) = 0;
  virtual Result<std::vector<ImportErrorModel>> ListImportErrors() = 0;  // by filename

  // --- DAG runs ---
  // Returns the stored run (id and queued_at filled). AlreadyExists names the run_id or the
  // logical date that is taken; NotFound if the DAG does not exist.
  virtual Result<DagRunModel> CreateDagRun(const DagRunModel& run) = 0;
  virtual Result<DagRunModel> GetDagRun(const DagRunKey& key) = 0;
  virtual Result<std::vector<DagRunModel>> ListDagRuns(const DagRunQuery& query) = 0;
  // Entering running sets start_date = at; entering success/failed sets end_date = at;
  // going back to queued clears both (a cleared run).
  virtual Status SetDagRunState(const DagRunKey& key, DagRunState state, TimePoint at) = 0;
  // Queued and running runs of the DAG (what max_active_runs limits).
  virtual Result<int> CountActiveRuns(std::string_view dag_id) = 0;
  // Deletes the run with its task instances, tries and XComs.
  virtual Status DeleteDagRun(const DagRunKey& key) = 0;

  // --- Task instances ---
  // Creates, in one transaction, the task instances of `run` that do not exist yet (in state
  // none, try_number 0); existing ones are left as they are. Returns how many were created.
  virtual Result<int> CreateTaskInstances(const DagRunKey& run,
                                          const std::vector<NewTaskInstance>& tasks) = 0;
  virtual Result<TaskInstanceModel> GetTaskInstance(const TaskInstanceKey& key) = 0;
  // The run's task instances in the order they were created.
  virtual Result<std::vector<TaskInstanceModel>> ListTaskInstances(const DagRunKey& run) = 0;
  // Task instances of every run in any of `states`, in creation order (the work queue).
  virtual Result<std::vector<TaskInstanceModel>> ListTaskInstancesInStates(
      const std::vector<TaskState>& states) = 0;
  // Compare-and-set: applies `update` only if the row is in one of `allowed_from` (empty =
  // any state). Returns whether it did: false means another process moved the row first.
  // NotFound if there is no such task instance.
  virtual Result<bool> TransitionTaskInstance(const TaskInstanceKey& key,
                                              const std::vector<TaskState>& allowed_from,
                                              const TaskInstanceUpdate& update) = 0;

  // --- Task tries: one row per try, kept for logs and history ---
  // Records the start of a try. Starting a try number again (a sensor rescheduled) keeps its
  // first start_date and resets the rest.
  virtual Status StartTry(const TaskTryModel& attempt) = 0;
  virtual Status FinishTry(const TaskInstanceKey& key, int try_number, TaskState state,
                           TimePoint end_date, std::string_view error) = 0;
  virtual Result<std::vector<TaskTryModel>> ListTries(const TaskInstanceKey& key) = 0;

  // --- XCom ---
  virtual Status PushXCom(const XComModel& xcom) = 0;  // replaces a value with the same key
  virtual Result<XComModel> PullXCom(const TaskInstanceKey& key, std::string_view xcom_key) = 0;
  virtual Result<std::vector<XComModel>> ListXComs(const DagRunKey& run) = 0;
  virtual Status ClearXComs(const TaskInstanceKey& key) = 0;

  // --- Variables ---
  virtual Result<VariableModel> GetVariable(std::string_view key) = 0;
  virtual Status SetVariable(const VariableModel& variable) = 0;  // inserts or replaces
  virtual Status DeleteVariable(std::string_view key) = 0;
  virtual Result<std::vector<VariableModel>> ListVariables() = 0;  // by key

  // --- Connections ---
  virtual Result<ConnectionModel> GetConnection(std::string_view conn_id) = 0;  // with secrets
  virtual Status SetConnection(const ConnectionModel& connection) = 0;  // inserts or replaces
  virtual Status DeleteConnection(std::string_view conn_id) = 0;
  virtual Result<std::vector<ConnectionModel>> ListConnections() = 0;  // secrets left empty

  // --- Clusters ---
  // The local cluster service's clusters and steps live in the same database.
  virtual cluster::ClusterStore* clusters() = 0;
  // Remembers that a task of a run created a cluster (again is fine).
  virtual Status RecordRunCluster(const RunClusterModel& record) = 0;
  virtual Result<std::vector<RunClusterModel>> ListRunClusters(const DagRunKey& run) = 0;
  // Clusters of runs that have ended (success or failed) not yet reaped.
  virtual Result<std::vector<RunClusterModel>> ListClustersOfEndedRuns() = 0;
  virtual Status MarkRunClusterReaped(const DagRunKey& run, std::string_view cluster_id,
                                      TimePoint at) = 0;

  // --- Users (the web server's, design §9) ---
  virtual Status CreateUser(const UserModel& user) = 0;
  virtual Result<UserModel> GetUser(std::string_view username) = 0;
  virtual Result<std::vector<UserModel>> ListUsers() = 0;  // by username
  virtual Status DeleteUser(std::string_view username) = 0;

  // --- Web sessions and API tokens, by the SHA-256 of their secret ---
  // AlreadyExists if that digest is taken; NotFound if the user does not exist. Deleting the
  // user deletes its sessions and tokens.
  virtual Status CreateAuthSession(const AuthSessionModel& session) = 0;
  // NotFound when there is none of that kind, or it has expired by `now`.
  virtual Result<AuthSessionModel> GetAuthSession(std::string_view secret_sha256,
                                                  AuthSessionKind kind, TimePoint now) = 0;
  virtual Status DeleteAuthSession(std::string_view secret_sha256) = 0;  // absent is fine
  // Deletes the sessions and tokens expired by `now`; returns how many.
  virtual Result<int> PurgeExpiredAuthSessions(TimePoint now) = 0;

  // --- Jobs (Airflow's job table): the scheduler's heartbeat and loop times ---
  // Inserts the job as given (its state, start_date and latest_heartbeat); returns it with
  // its id.
  virtual Result<JobModel> CreateJob(const JobModel& job) = 0;
  // Records a heartbeat at `at` with the loop statistics so far. NotFound if no such job.
  virtual Status HeartbeatJob(int64_t id, TimePoint at, const LoopStats& loop) = 0;
  // Ends the job (success: it stopped cleanly) at `at`. NotFound if no such job.
  virtual Status EndJob(int64_t id, JobState state, TimePoint at) = 0;
  // Of the jobs of `job_type`, the one a health check looks at (Airflow's most_recent_job):
  // a running one before others, then the latest heartbeat. NotFound when there is none.
  virtual Result<JobModel> GetMostRecentJob(std::string_view job_type) = 0;
};

}  // namespace sluice::orchestrator
