#include "orchestrator/sqlite_migrations.h"

#include <array>
#include <string>

namespace sluice::orchestrator::sqlite {
namespace {

// Times are INTEGER microseconds since the epoch (UTC); JSON is TEXT checked by json_valid.
constexpr const char* kV1Core = R"sql(
CREATE TABLE dag (
  dag_id TEXT PRIMARY KEY NOT NULL,
  fileloc TEXT NOT NULL DEFAULT '',
  is_paused INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1,
  schedule TEXT,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  description TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  import_error TEXT,
  last_parsed_at INTEGER,
  max_active_runs INTEGER NOT NULL DEFAULT 16,
  next_dagrun INTEGER,
  next_dagrun_data_interval_start INTEGER,
  next_dagrun_data_interval_end INTEGER,
  next_dagrun_create_after INTEGER
) STRICT;
CREATE INDEX dag_fileloc ON dag (fileloc);

CREATE TABLE dag_run (
  id INTEGER PRIMARY KEY,
  dag_id TEXT NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  run_type TEXT NOT NULL CHECK (run_type IN ('scheduled', 'manual', 'backfill')),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'success', 'failed')),
  logical_date INTEGER NOT NULL,
  data_interval_start INTEGER,
  data_interval_end INTEGER,
  queued_at INTEGER,
  start_date INTEGER,
  end_date INTEGER,
  conf TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(conf)),
  external_trigger INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dag_id, run_id),
  UNIQUE (dag_id, logical_date)
) STRICT;
CREATE INDEX dag_run_state ON dag_run (state, dag_id);

CREATE TABLE task_instance (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'scheduled', 'queued',
    'running', 'success', 'failed', 'up_for_retry', 'up_for_reschedule', 'upstream_failed',
    'skipped', 'removed')),
  try_number INTEGER NOT NULL DEFAULT 0,
  max_tries INTEGER NOT NULL DEFAULT 0,
  operator TEXT NOT NULL DEFAULT '',
  start_date INTEGER,
  end_date INTEGER,
  duration INTEGER,
  next_attempt_at INTEGER,
  pid INTEGER,
  hostname TEXT NOT NULL DEFAULT '',
  log_path TEXT NOT NULL DEFAULT '',
  queued_at INTEGER,
  PRIMARY KEY (dag_id, run_id, task_id),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE task_try (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  try_number INTEGER NOT NULL,
  state TEXT NOT NULL,
  start_date INTEGER,
  end_date INTEGER,
  pid INTEGER,
  hostname TEXT NOT NULL DEFAULT '',
  log_path TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (dag_id, run_id, task_id, try_number),
  FOREIGN KEY (dag_id, run_id, task_id)
    REFERENCES task_instance (dag_id, run_id, task_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE xcom (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL CHECK (json_valid(value)),
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (dag_id, run_id, task_id, key),
  FOREIGN KEY (dag_id, run_id, task_id)
    REFERENCES task_instance (dag_id, run_id, task_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE variable (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE connection (
  conn_id TEXT PRIMARY KEY NOT NULL,
  conn_type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  port INTEGER,
  login TEXT NOT NULL DEFAULT '',
  extra TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra))
) STRICT;

-- Apart from connection so that listing connections never reads a secret.
CREATE TABLE connection_secret (
  conn_id TEXT PRIMARY KEY NOT NULL REFERENCES connection (conn_id) ON DELETE CASCADE,
  secrets TEXT NOT NULL CHECK (json_valid(secrets))
) STRICT;

CREATE TABLE import_error (
  filename TEXT PRIMARY KEY NOT NULL,
  message TEXT NOT NULL,
  timestamp INTEGER NOT NULL
) STRICT;
)sql";

// The scheduler's work queue reads task instances by state across runs.
constexpr const char* kV2UsersAndWorkQueue = R"sql(
CREATE TABLE user (
  username TEXT PRIMARY KEY NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX task_instance_state ON task_instance (state);
)sql";

// The local cluster service's clusters and steps (documents the cluster component reads and
// writes whole), and which run created which cluster, so the scheduler can reap it.
constexpr const char* kV3Clusters = R"sql(
CREATE TABLE emr_cluster (
  id TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;
CREATE INDEX emr_cluster_state ON emr_cluster (state);

CREATE TABLE emr_step (
  cluster_id TEXT NOT NULL REFERENCES emr_cluster (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL CHECK (json_valid(doc)),
  PRIMARY KEY (cluster_id, id),
  UNIQUE (cluster_id, seq)
) STRICT;

CREATE TABLE run_cluster (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  cluster_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  connection TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  reaped_at INTEGER,
  PRIMARY KEY (dag_id, run_id, cluster_id),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
) STRICT;
)sql";

// Airflow's job table: each scheduler's heartbeat, by which the server tells whether one is
// alive, and its loop times (a cumulative histogram, bounds as kLoopBucketBounds), written
// every few seconds by the scheduler and read by /metrics.
constexpr const char* kV4Jobs = R"sql(
CREATE TABLE job (
  id INTEGER PRIMARY KEY,
  job_type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'success', 'failed')),
  hostname TEXT NOT NULL DEFAULT '',
  pid INTEGER,
  start_date INTEGER NOT NULL,
  end_date INTEGER,
  latest_heartbeat INTEGER NOT NULL,
  loops INTEGER NOT NULL DEFAULT 0,
  loop_micros_sum INTEGER NOT NULL DEFAULT 0,
  last_loop_micros INTEGER,
  loops_le_1ms INTEGER NOT NULL DEFAULT 0,
  loops_le_5ms INTEGER NOT NULL DEFAULT 0,
  loops_le_10ms INTEGER NOT NULL DEFAULT 0,
  loops_le_50ms INTEGER NOT NULL DEFAULT 0,
  loops_le_100ms INTEGER NOT NULL DEFAULT 0,
  loops_le_500ms INTEGER NOT NULL DEFAULT 0,
  loops_le_1s INTEGER NOT NULL DEFAULT 0,
  loops_le_5s INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX job_type_heartbeat ON job (job_type, latest_heartbeat);
)sql";

// The web server's UI sessions and API bearer tokens, so that they outlive a restart. Rows are
// keyed by the SHA-256 of the secret the client holds, never the secret itself.
constexpr const char* kV5AuthSessions = R"sql(
CREATE TABLE auth_session (
  secret_sha256 TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
  username TEXT NOT NULL REFERENCES user (username) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX auth_session_expires ON auth_session (expires_at);
)sql";

constexpr std::array<Migration, 5> kMigrations{{
    {1, "dags, runs, task instances and tries, xcom, variables, connections", kV1Core},
    {2, "users; task instances by state", kV2UsersAndWorkQueue},
    {3, "local clusters and steps; clusters created by runs", kV3Clusters},
    {4, "jobs: scheduler heartbeats and loop times", kV4Jobs},
    {5, "web sessions and API tokens", kV5AuthSessions},
}};

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;
)sql";

Result<bool> HasTable(Connection& conn, std::string_view name) {
  ASSIGN_OR_RETURN(Statement st,
                   conn.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"));
  st.BindAll(name);
  return st.Step();
}

Result<bool> HasAnyTable(Connection& conn) {
  ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' "
                                              "AND name NOT LIKE 'sqlite%' LIMIT 1"));
  return st.Step();
}

Status Apply(Connection& conn, const Migration& migration) {
  return InTransaction(conn, [&]() -> Status {
    // Another process may have applied it while this one waited for the write lock.
    ASSIGN_OR_RETURN(int current, ReadSchemaVersion(conn));
    if (current >= migration.version) return Status::OK();
    RETURN_NOT_OK(conn.Exec(kCreateVersionTable));
    Status st = conn.Exec(migration.sql);
    if (!st.ok()) {
      return st.WithContext("migration " + std::to_string(migration.version) + " (" +
                            migration.description + ")");
    }
    ASSIGN_OR_RETURN(Statement insert,
                     conn.Prepare("INSERT INTO schema_version (version, description, "
                                  "applied_at) VALUES (?, ?, ?)"));
    return insert.BindAll(migration.version, migration.description, Now()).Run();
  });
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

Result<int> ReadSchemaVersion(Connection& conn) {
  ASSIGN_OR_RETURN(bool versioned, HasTable(conn, "schema_version"));
  if (!versioned) {
    ASSIGN_OR_RETURN(bool has_tables, HasAnyTable(conn));
    if (has_tables) {
      return Status::InvalidArgument("database '" + conn.path() +
                                     "' has tables but no schema_version: it is not a sluice "
                                     "metadata database");
    }
    return 0;
  }
  ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                                              "schema_version"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int64(0)) : 0;
}

Result<MigrationResult> MigrateTo(Connection& conn, int target) {
  ASSIGN_OR_RETURN(int from, ReadSchemaVersion(conn));
  if (from > LatestSchemaVersion()) {
    return CheckSchemaVersion(conn.path(), {from, LatestSchemaVersion()});
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= from || migration.version > target) continue;
    RETURN_NOT_OK(Apply(conn, migration));
  }
  ASSIGN_OR_RETURN(int to, ReadSchemaVersion(conn));
  return MigrationResult{from, to};
}

Status CheckSchemaVersion(const std::string& path, const SchemaVersion& version) {
  const std::string db = "database '" + path + "'";
  const std::string latest = std::to_string(version.latest);
  const std::string expects = "sluice expects " + latest;
  if (version.current == version.latest) return Status::OK();
  if (version.current == 0) {
    return Status::InvalidArgument(db + " has no sluice schema yet (version 0), " + expects +
                                   ": run `sluice db init`");
  }
  if (version.current < version.latest) {
    return Status::InvalidArgument(db + " is at schema version " + std::to_string(version.current) +
                                   ", " + expects + ": run `sluice db migrate`");
  }
  return Status::InvalidArgument(db + " is at schema version " + std::to_string(version.current) +
                                 ", newer than this sluice (it expects " + latest +
                                 "): upgrade sluice");
}

}  // namespace sluice::orchestrator::sqlite
