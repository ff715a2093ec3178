// The rows of the orchestrator's metadata (design.md §3), by Airflow's names: DAGs, DAG runs,
// task instances and their tries, XCom, variables, connections, users, web sessions and the
// scheduler's job. Plain structs shared by every MetadataStore backend; nothing here knows how
// they are stored.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::orchestrator {

enum class DagRunState { kQueued, kRunning, kSuccess, kFailed };
enum class JobState { kRunning, kSuccess, kFailed };
enum class DagRunType { kScheduled, kManual, kBackfill };
enum class TaskState {
  kNone,
  kScheduled,
  kQueued,
  kRunning,
  kSuccess,
  kFailed,
  kUpForRetry,
  kUpForReschedule,
  kUpstreamFailed,
  kSkipped,
  kRemoved,
};

// Airflow's lower-case names ("up_for_retry"); Parse errors list the accepted names.
std::string_view ToString(DagRunState state);
std::string_view ToString(DagRunType type);
std::string_view ToString(TaskState state);
std::string_view ToString(JobState state);
Result<DagRunState> ParseDagRunState(std::string_view text);
Result<JobState> ParseJobState(std::string_view text);
Result<DagRunType> ParseDagRunType(std::string_view text);
Result<TaskState> ParseTaskState(std::string_view text);

// success and failed: the run is over.
bool IsFinished(DagRunState state);
// success, failed, upstream_failed, skipped, removed: nothing more will happen to the task.
bool IsFinished(TaskState state);

// What the scheduler decided the next scheduled run of a DAG is; all empty when there is none
// (schedule null, past end_date, or @once done).
struct NextDagRun {
  std::optional<TimePoint> logical_date;
  std::optional<TimePoint> data_interval_start;
  std::optional<TimePoint> data_interval_end;
  std::optional<TimePoint> create_after;  // when the run becomes due (its interval's end)
};

struct DagModel {
  std::string dag_id;
  std::string fileloc;  // the DAG file it was read from
  bool is_paused = false;
  bool is_active = true;                // false once its file is gone
  std::optional<std::string> schedule;  // cron or preset; absent = manual only (null)
  std::string timezone = "UTC";
  std::string description;
  std::vector<std::string> tags;
  std::optional<std::string> import_error;  // why the last parse of its file failed
  std::optional<TimePoint> last_parsed_at;
  int max_active_runs = 16;
  NextDagRun next_dagrun;
};

// Which DAGs ListDags returns, by dag_id.
struct DagFilter {
  bool include_inactive = false;
  std::optional<bool> is_paused;  // empty = paused and unpaused
};

struct ImportErrorModel {
  std::string filename;
  std::string message;  // names file, line and column
  TimePoint timestamp;
};

struct DagRunKey {
  std::string dag_id;
  std::string run_id;
};

struct DagRunModel {
  int64_t id = 0;  // assigned by CreateDagRun
  std::string dag_id;
  std::string run_id;
  DagRunType run_type = DagRunType::kManual;
  DagRunState state = DagRunState::kQueued;
  TimePoint logical_date;
  std::optional<TimePoint> data_interval_start;
  std::optional<TimePoint> data_interval_end;
  std::optional<TimePoint> queued_at;  // CreateDagRun uses the creation time when empty
  std::optional<TimePoint> start_date;
  std::optional<TimePoint> end_date;
  nlohmann::json conf = nlohmann::json::object();
  bool external_trigger = false;

  DagRunKey key() const { return {dag_id, run_id}; }
};

// Which runs ListDagRuns returns, newest logical_date first.
struct DagRunQuery {
  std::string dag_id;                            // empty = every DAG
  std::vector<DagRunState> states;               // empty = any state
  std::optional<TimePoint> logical_date_before;  // strictly before: the previous run
  int limit = 0;                                 // 0 = no limit
  int offset = 0;
};

struct TaskInstanceKey {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
};

struct TaskInstanceModel {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  TaskState state = TaskState::kNone;
  int try_number = 0;  // the current or last try; 0 before the first
  int max_tries = 0;   // Airflow's: the task's retries; the scheduler compares, the store keeps
  std::string operator_name;
  std::optional<TimePoint> start_date;
  std::optional<TimePoint> end_date;
  std::optional<Micros> duration;
  std::optional<TimePoint> next_attempt_at;  // when an up_for_retry/up_for_reschedule try is due
  std::optional<int64_t> pid;
  std::string hostname;
  std::string log_path;
  std::optional<TimePoint> queued_at;

  TaskInstanceKey key() const { return {dag_id, run_id, task_id}; }
};

// One task of a new run, for CreateTaskInstances.
struct NewTaskInstance {
  std::string task_id;
  std::string operator_name;
  int max_tries = 0;
};

// A field of an update: left alone (default), set to a value, or cleared (= std::nullopt).
template <typename T>
class FieldUpdate {
 public:
  FieldUpdate() = default;
  FieldUpdate(T value) : present_(true), value_(std::move(value)) {}  // NOLINT: implicit
  FieldUpdate(std::nullopt_t) : present_(true) {}                     // NOLINT: implicit

  bool present() const { return present_; }
  const std::optional<T>& value() const { return value_; }

 private:
  bool present_ = false;
  std::optional<T> value_;
};

// The fields TransitionTaskInstance writes; everything absent keeps its value. Setting
// end_date without duration also sets duration = end_date - start_date (clearing end_date
// clears it).
struct TaskInstanceUpdate {
  std::optional<TaskState> state;
  std::optional<int> try_number;
  bool increment_try_number = false;  // try_number + 1, atomically; ignored if try_number set
  std::optional<int> max_tries;
  FieldUpdate<TimePoint> start_date;
  FieldUpdate<TimePoint> end_date;
  FieldUpdate<Micros> duration;
  FieldUpdate<TimePoint> next_attempt_at;
  FieldUpdate<TimePoint> queued_at;
  FieldUpdate<int64_t> pid;
  std::optional<std::string> hostname;
  std::optional<std::string> log_path;
};

// One try of a task instance, kept after the task instance moves on (logs, UI, CLI).
struct TaskTryModel {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  int try_number = 1;
  TaskState state = TaskState::kRunning;
  std::optional<TimePoint> start_date;
  std::optional<TimePoint> end_date;
  std::optional<int64_t> pid;
  std::string hostname;
  std::string log_path;
  std::string error;  // why the try failed, empty otherwise

  TaskInstanceKey key() const { return {dag_id, run_id, task_id}; }
};

struct XComModel {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  std::string key = "return_value";
  nlohmann::json value;
  std::optional<TimePoint> timestamp;  // PushXCom uses the push time when empty
};

struct VariableModel {
  std::string key;
  std::string value;
  std::string description;
};

// Secrets live apart from the rest: ListConnections never returns them.
struct ConnectionModel {
  std::string conn_id;
  std::string conn_type;  // "aws", ...
  std::string description;
  std::string host;
  std::optional<int> port;
  std::string login;
  nlohmann::json extra = nlohmann::json::object();    // endpoint_url, region, profile, ...
  nlohmann::json secrets = nlohmann::json::object();  // password, secret_access_key, ...
};

struct UserModel {
  std::string username;
  std::string role;                     // admin | op | viewer
  std::string password_hash;            // stored as given; hashing is the caller's
  std::optional<TimePoint> created_at;  // CreateUser uses the creation time when empty
};

// A signed-in browser's session (the UI's cookie) or an API bearer token. Only the SHA-256 of
// the secret the client holds is stored, so the rows cannot be replayed as credentials.
enum class AuthSessionKind { kSession, kToken };
std::string_view ToString(AuthSessionKind kind);  // "session", "token"

struct AuthSessionModel {
  std::string secret_sha256;  // lower-case hex SHA-256 of the cookie's or token's value
  AuthSessionKind kind = AuthSessionKind::kSession;
  std::string username;
  std::string csrf_token;  // a session's double-submit token; empty for a token
  TimePoint created_at;
  TimePoint expires_at;
};

// Upper bounds of the loop-time histogram's buckets. The job table keeps one cumulative count
// per bound; changing them needs a migration.
inline constexpr std::array<Micros, 8> kLoopBucketBounds = {
    std::chrono::milliseconds(1),  std::chrono::milliseconds(5),   std::chrono::milliseconds(10),
    std::chrono::milliseconds(50), std::chrono::milliseconds(100), std::chrono::milliseconds(500),
    std::chrono::seconds(1),       std::chrono::seconds(5)};

// How long a process's loops took, as a cumulative (Prometheus-style) histogram.
struct LoopStats {
  int64_t loops = 0;
  Micros total{0};
  std::optional<Micros> last;
  // at_most[i]: loops that took at most kLoopBucketBounds[i]; loops that took longer count
  // in `loops` only (the +Inf bucket).
  std::array<int64_t, kLoopBucketBounds.size()> at_most{};

  void Observe(Micros took);
};

// The job_type of a scheduler's row (Airflow's name).
inline constexpr std::string_view kSchedulerJobType = "SchedulerJob";

// A long-running process (Airflow's Job): who and where it is, and its heartbeat, by which
// others tell whether it is alive.
struct JobModel {
  int64_t id = 0;  // assigned by CreateJob
  std::string job_type;
  JobState state = JobState::kRunning;
  std::string hostname;
  std::optional<int64_t> pid;
  TimePoint start_date;
  std::optional<TimePoint> end_date;
  TimePoint latest_heartbeat;
  LoopStats loop;
};

// A cluster that a task of a run created (cluster_create): the scheduler terminates it when
// the run ends, through the connection it was created with.
struct RunClusterModel {
  std::string dag_id;
  std::string run_id;
  std::string cluster_id;
  std::string task_id;
  std::string connection;
  TimePoint created_at;
  std::optional<TimePoint> reaped_at;
};

}  // namespace sluice::orchestrator
