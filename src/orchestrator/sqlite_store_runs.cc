// DAG runs in the SQLite store.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kRunColumns =
    "id, dag_id, run_id, run_type, state, logical_date, data_interval_start, "
    "data_interval_end, queued_at, start_date, end_date, conf, external_trigger";

Result<DagRunModel> ReadRun(const Statement& st) {
  DagRunModel run;
  run.id = st.Int64(0);
  run.dag_id = st.Text(1);
  run.run_id = st.Text(2);
  ASSIGN_OR_RETURN(run.run_type, ParseDagRunType(st.Text(3)));
  ASSIGN_OR_RETURN(run.state, ParseDagRunState(st.Text(4)));
  run.logical_date = st.Time(5);
  run.data_interval_start = st.OptTime(6);
  run.data_interval_end = st.OptTime(7);
  run.queued_at = st.OptTime(8);
  run.start_date = st.OptTime(9);
  run.end_date = st.OptTime(10);
  ASSIGN_OR_RETURN(run.conf, st.Json(11));
  run.external_trigger = st.Bool(12);
  return run;
}

Result<std::vector<DagRunModel>> ReadRuns(Statement& st) {
  std::vector<DagRunModel> runs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return runs;
    ASSIGN_OR_RETURN(DagRunModel run, ReadRun(st));
    runs.push_back(std::move(run));
  }
}

// The run_id of the DAG's run at `logical_date`, if there is one.
Result<std::optional<std::string>> RunAt(Connection& conn, const std::string& dag_id,
                                         TimePoint logical_date) {
  ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT run_id FROM dag_run WHERE dag_id = ? AND "
                                              "logical_date = ?"));
  st.BindAll(dag_id, logical_date);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

// Whether `sql` (one row or none, parameters `params` in order) finds a row.
template <typename... Params>
Result<bool> Exists(Connection& conn, const char* sql, const Params&... params) {
  ASSIGN_OR_RETURN(Statement st, conn.Prepare(sql));
  st.BindAll(params...);
  return st.Step();
}

// Why `run` cannot be created, or OK.
Status CheckNewRun(Connection& conn, const DagRunModel& run) {
  const std::string dag = "DAG " + sqlite::Quoted(run.dag_id);
  ASSIGN_OR_RETURN(bool dag_exists, Exists(conn, "SELECT 1 FROM dag WHERE dag_id = ?", run.dag_id));
  if (!dag_exists) return Status::NotFound(dag + " does not exist");
  ASSIGN_OR_RETURN(bool id_taken,
                   Exists(conn, "SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?", run.dag_id,
                          run.run_id));
  if (id_taken) {
    return Status::AlreadyExists(dag + " already has a run with run_id " +
                                 sqlite::Quoted(run.run_id));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> other, RunAt(conn, run.dag_id, run.logical_date));
  if (other) {
    return Status::AlreadyExists(dag + " already has a run at logical date " +
                                 FormatIso8601(run.logical_date) + " (run_id " +
                                 sqlite::Quoted(*other) + ")");
  }
  if (!run.conf.is_object() && !run.conf.is_null()) {
    return Status::InvalidArgument("the conf of a DAG run must be a JSON object, not " +
                                   run.conf.dump());
  }
  return Status::OK();
}

// The query's SQL: one text per combination of filters, so each is cached and indexed.
std::string ListRunsSql(const DagRunQuery& q) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM dag_run WHERE 1";
  if (!q.dag_id.empty()) sql += " AND dag_id = :dag_id";
  if (!q.states.empty()) sql += " AND state IN (SELECT value FROM json_each(:states))";
  if (q.logical_date_before) sql += " AND logical_date < :before";
  sql += " ORDER BY logical_date DESC, id DESC LIMIT :limit OFFSET :offset";
  return sql;
}

}  // namespace

Result<DagRunModel> SqliteStore::CreateDagRun(const DagRunModel& run) {
  return Write([&](Connection& conn) -> Result<DagRunModel> {
    RETURN_NOT_OK(CheckNewRun(conn, run));
    DagRunModel stored = run;
    if (stored.conf.is_null()) stored.conf = nlohmann::json::object();
    if (!stored.queued_at) stored.queued_at = Now();
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO dag_run (dag_id, run_id, run_type, state, "
                                  "logical_date, data_interval_start, data_interval_end, "
                                  "queued_at, start_date, end_date, conf, external_trigger) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.BindAll(stored.dag_id, stored.run_id, ToString(stored.run_type), ToString(stored.state),
               stored.logical_date, stored.data_interval_start, stored.data_interval_end,
               stored.queued_at, stored.start_date, stored.end_date, stored.conf,
               stored.external_trigger);
    RETURN_NOT_OK(st.Run());
    stored.id = sqlite3_last_insert_rowid(conn.db());
    return stored;
  });
}

Result<DagRunModel> SqliteStore::GetDagRun(const DagRunKey& key) {
  return Read([&](Connection& conn) -> Result<DagRunModel> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kRunColumns +
                                                " FROM dag_run WHERE dag_id = ? AND run_id = ?"));
    st.BindAll(key.dag_id, key.run_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound(sqlite::Describe(key) + " does not exist");
    return ReadRun(st);
  });
}

Result<std::vector<DagRunModel>> SqliteStore::ListDagRuns(const DagRunQuery& query) {
  return Read([&](Connection& conn) -> Result<std::vector<DagRunModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(ListRunsSql(query)));
    auto index = [&st](const char* name) { return st.ParameterIndex(name); };
    if (!query.dag_id.empty()) st.Bind(index(":dag_id"), query.dag_id);
    if (!query.states.empty()) {
      st.Bind(index(":states"),
              sqlite::JsonArray(query.states, [](DagRunState s) { return ToString(s); }));
    }
    if (query.logical_date_before) st.Bind(index(":before"), *query.logical_date_before);
    st.Bind(index(":limit"), query.limit > 0 ? query.limit : -1);
    st.Bind(index(":offset"), query.offset);
    return ReadRuns(st);
  });
}

Status SqliteStore::SetDagRunState(const DagRunKey& key, DagRunState state, TimePoint at) {
  return WriteOne([&](Connection& conn) -> Status {
    // SQLite evaluates every right-hand side on the row as it was before the update.
    ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare("UPDATE dag_run SET "
                     "start_date = CASE WHEN ?1 = 'queued' THEN NULL "
                     "  WHEN ?1 = 'running' AND state <> 'running' THEN ?2 ELSE start_date END, "
                     "end_date = CASE WHEN ?1 NOT IN ('success', 'failed') THEN NULL "
                     "  WHEN state IN ('success', 'failed') THEN end_date ELSE ?2 END, "
                     "state = ?1 WHERE dag_id = ?3 AND run_id = ?4"));
    RETURN_NOT_OK(st.BindAll(ToString(state), at, key.dag_id, key.run_id).Run());
    return sqlite::ExpectChanged(conn, sqlite::Describe(key));
  });
}

Result<int> SqliteStore::CountActiveRuns(std::string_view dag_id) {
  return Read([&](Connection& conn) -> Result<int> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT count(*) FROM dag_run WHERE dag_id = ? "
                                                "AND state IN ('queued', 'running')"));
    st.BindAll(dag_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? static_cast<int>(st.Int64(0)) : 0;
  });
}

Status SqliteStore::DeleteDagRun(const DagRunKey& key) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?"));
    RETURN_NOT_OK(st.BindAll(key.dag_id, key.run_id).Run());
    return sqlite::ExpectChanged(conn, sqlite::Describe(key));
  });
}

}  // namespace sluice::orchestrator
