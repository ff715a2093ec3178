// XCom in the SQLite store: small JSON values keyed by (dag, run, task, key).
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kXComColumns = "dag_id, run_id, task_id, key, value, timestamp";

Result<XComModel> ReadXCom(const Statement& st) {
  XComModel xcom;
  xcom.dag_id = st.Text(0);
  xcom.run_id = st.Text(1);
  xcom.task_id = st.Text(2);
  xcom.key = st.Text(3);
  ASSIGN_OR_RETURN(xcom.value, st.Json(4));
  xcom.timestamp = st.OptTime(5);
  return xcom;
}

}  // namespace

Status SqliteStore::PushXCom(const XComModel& xcom) {
  const TaskInstanceKey key{xcom.dag_id, xcom.run_id, xcom.task_id};
  return Write([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement exists, conn.Prepare("SELECT 1 FROM task_instance WHERE dag_id = ? "
                                                    "AND run_id = ? AND task_id = ?"));
    ASSIGN_OR_RETURN(bool found, exists.BindAll(key.dag_id, key.run_id, key.task_id).Step());
    if (!found) return Status::NotFound(sqlite::Describe(key) + " does not exist");
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("INSERT INTO xcom (") + kXComColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                                  "value = excluded.value, timestamp = excluded.timestamp"));
    st.BindAll(xcom.dag_id, xcom.run_id, xcom.task_id, xcom.key, xcom.value,
               xcom.timestamp.value_or(Now()));
    return st.Run();
  });
}

Result<XComModel> SqliteStore::PullXCom(const TaskInstanceKey& key, std::string_view xcom_key) {
  return Read([&](Connection& conn) -> Result<XComModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kXComColumns +
                                  " FROM xcom WHERE dag_id = ? AND run_id = ? AND task_id = ? "
                                  "AND key = ?"));
    st.BindAll(key.dag_id, key.run_id, key.task_id, xcom_key);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return Status::NotFound("no XCom " + sqlite::Quoted(xcom_key) + " for " +
                              sqlite::Describe(key));
    }
    return ReadXCom(st);
  });
}

Result<std::vector<XComModel>> SqliteStore::ListXComs(const DagRunKey& run) {
  return Read([&](Connection& conn) -> Result<std::vector<XComModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kXComColumns +
                                                " FROM xcom WHERE dag_id = ? AND run_id = ? "
                                                "ORDER BY task_id, key"));
    st.BindAll(run.dag_id, run.run_id);
    std::vector<XComModel> xcoms;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return xcoms;
      ASSIGN_OR_RETURN(XComModel xcom, ReadXCom(st));
      xcoms.push_back(std::move(xcom));
    }
  });
}

Status SqliteStore::ClearXComs(const TaskInstanceKey& key) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM xcom WHERE dag_id = ? AND "
                                                "run_id = ? AND task_id = ?"));
    return st.BindAll(key.dag_id, key.run_id, key.task_id).Run();
  });
}

}  // namespace sluice::orchestrator
