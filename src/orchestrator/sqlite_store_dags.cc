// DAGs and import errors in the SQLite store.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kDagColumns =
    "dag_id, fileloc, is_paused, is_active, schedule, timezone, description, tags, "
    "import_error, last_parsed_at, max_active_runs, next_dagrun, "
    "next_dagrun_data_interval_start, next_dagrun_data_interval_end, next_dagrun_create_after";

Result<DagModel> ReadDag(const Statement& st) {
  DagModel dag;
  dag.dag_id = st.Text(0);
  dag.fileloc = st.Text(1);
  dag.is_paused = st.Bool(2);
  dag.is_active = st.Bool(3);
  dag.schedule = st.OptText(4);
  dag.timezone = st.Text(5);
  dag.description = st.Text(6);
  ASSIGN_OR_RETURN(nlohmann::json tags, st.Json(7));
  for (const auto& tag : tags) {
    if (tag.is_string()) dag.tags.push_back(tag.get<std::string>());
  }
  dag.import_error = st.OptText(8);
  dag.last_parsed_at = st.OptTime(9);
  dag.max_active_runs = static_cast<int>(st.Int64(10));
  dag.next_dagrun.logical_date = st.OptTime(11);
  dag.next_dagrun.data_interval_start = st.OptTime(12);
  dag.next_dagrun.data_interval_end = st.OptTime(13);
  dag.next_dagrun.create_after = st.OptTime(14);
  return dag;
}

std::string DagNotFound(std::string_view dag_id) { return "DAG " + sqlite::Quoted(dag_id); }

std::string TextsJson(const std::vector<std::string>& texts) {
  return sqlite::JsonArray(texts, [](const std::string& s) { return s; });
}

}  // namespace

Status SqliteStore::UpsertDag(const DagModel& dag) {
  return WriteOne([&](Connection& conn) -> Status {
    // is_paused and next_dagrun only on insert: later they belong to users and the scheduler.
    ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare(std::string("INSERT INTO dag (") + kDagColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (dag_id) DO UPDATE SET fileloc = excluded.fileloc, "
                     "is_active = excluded.is_active, schedule = excluded.schedule, "
                     "timezone = excluded.timezone, description = excluded.description, "
                     "tags = excluded.tags, import_error = excluded.import_error, "
                     "last_parsed_at = excluded.last_parsed_at, "
                     "max_active_runs = excluded.max_active_runs"));
    st.BindAll(dag.dag_id, dag.fileloc, dag.is_paused, dag.is_active, dag.schedule, dag.timezone,
               dag.description, nlohmann::json(dag.tags), dag.import_error, dag.last_parsed_at,
               dag.max_active_runs, dag.next_dagrun.logical_date,
               dag.next_dagrun.data_interval_start, dag.next_dagrun.data_interval_end,
               dag.next_dagrun.create_after);
    return st.Run();
  });
}

Result<DagModel> SqliteStore::GetDag(std::string_view dag_id) {
  return Read([&](Connection& conn) -> Result<DagModel> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kDagColumns +
                                                " FROM dag WHERE dag_id = ?"));
    st.BindAll(dag_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound(DagNotFound(dag_id) + " does not exist");
    return ReadDag(st);
  });
}

Result<std::vector<DagModel>> SqliteStore::ListDags(const DagFilter& filter) {
  return Read([&](Connection& conn) -> Result<std::vector<DagModel>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kDagColumns +
                                  " FROM dag WHERE (?1 OR is_active) "
                                  "AND (?2 IS NULL OR is_paused = ?2) ORDER BY dag_id"));
    st.BindAll(filter.include_inactive, filter.is_paused);
    std::vector<DagModel> dags;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return dags;
      ASSIGN_OR_RETURN(DagModel dag, ReadDag(st));
      dags.push_back(std::move(dag));
    }
  });
}

Status SqliteStore::SetDagPaused(std::string_view dag_id, bool paused) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("UPDATE dag SET is_paused = ? WHERE dag_id = ?"));
    RETURN_NOT_OK(st.BindAll(paused, dag_id).Run());
    return sqlite::ExpectChanged(conn, DagNotFound(dag_id));
  });
}

Status SqliteStore::SetNextDagRun(std::string_view dag_id, const NextDagRun& next) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("UPDATE dag SET next_dagrun = ?, "
                                                "next_dagrun_data_interval_start = ?, "
                                                "next_dagrun_data_interval_end = ?, "
                                                "next_dagrun_create_after = ? WHERE dag_id = ?"));
    st.BindAll(next.logical_date, next.data_interval_start, next.data_interval_end,
               next.create_after, dag_id);
    RETURN_NOT_OK(st.Run());
    return sqlite::ExpectChanged(conn, DagNotFound(dag_id));
  });
}

Result<int> SqliteStore::MarkDagsInactiveExcept(const std::vector<std::string>& files_seen) {
  return WriteOne([&](Connection& conn) -> Result<int> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE dag SET is_active = 0 WHERE is_active AND fileloc "
                                  "NOT IN (SELECT value FROM json_each(?))"));
    RETURN_NOT_OK(st.BindAll(TextsJson(files_seen)).Run());
    return static_cast<int>(conn.Changes());
  });
}

Result<int> SqliteStore::MarkDagsOfFileInactiveExcept(std::string_view fileloc,
                                                      const std::vector<std::string>& dag_ids) {
  return WriteOne([&](Connection& conn) -> Result<int> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE dag SET is_active = 0 WHERE is_active AND fileloc = ? "
                                  "AND dag_id NOT IN (SELECT value FROM json_each(?))"));
    RETURN_NOT_OK(st.BindAll(fileloc, TextsJson(dag_ids)).Run());
    return static_cast<int>(conn.Changes());
  });
}

Status SqliteStore::DeleteDag(std::string_view dag_id) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM dag WHERE dag_id = ?"));
    RETURN_NOT_OK(st.BindAll(dag_id).Run());
    return sqlite::ExpectChanged(conn, DagNotFound(dag_id));
  });
}

Status SqliteStore::SetImportError(const ImportErrorModel& error) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO import_error (filename, message, timestamp) "
                                  "VALUES (?, ?, ?) ON CONFLICT (filename) DO UPDATE SET "
                                  "message = excluded.message, timestamp = excluded.timestamp"));
    return st.BindAll(error.filename, error.message, error.timestamp).Run();
  });
}

Status SqliteStore::ClearImportError(std::string_view filename) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM import_error WHERE filename = ?"));
    return st.BindAll(filename).Run();
  });
}

Status SqliteStore::ClearImportErrorsExcept(const std::vector<std::string>& files_seen) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM import_error WHERE filename NOT IN "
                                                "(SELECT value FROM json_each(?))"));
    return st.BindAll(TextsJson(files_seen)).Run();
  });
}

Result<std::vector<ImportErrorModel>> SqliteStore::ListImportErrors() {
  return Read([&](Connection& conn) -> Result<std::vector<ImportErrorModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT filename, message, timestamp FROM "
                                                "import_error ORDER BY filename"));
    std::vector<ImportErrorModel> errors;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return errors;
      errors.push_back({st.Text(0), st.Text(1), st.Time(2)});
    }
  });
}

}  // namespace sluice::orchestrator
