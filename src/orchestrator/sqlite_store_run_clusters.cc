// Which run created which cluster, in the SQLite store: what the scheduler reaps.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kColumns =
    "rc.dag_id, rc.run_id, rc.cluster_id, rc.task_id, rc.connection, rc.created_at, "
    "rc.reaped_at";

RunClusterModel ReadRunCluster(const Statement& st) {
  return RunClusterModel{st.Text(0), st.Text(1), st.Text(2),   st.Text(3),
                         st.Text(4), st.Time(5), st.OptTime(6)};
}

Result<std::vector<RunClusterModel>> ReadAll(Statement& st) {
  std::vector<RunClusterModel> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadRunCluster(st));
  }
}

}  // namespace

Status SqliteStore::RecordRunCluster(const RunClusterModel& r) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO run_cluster (dag_id, run_id, cluster_id, task_id, "
                                  "connection, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT DO NOTHING"));
    return st.BindAll(r.dag_id, r.run_id, r.cluster_id, r.task_id, r.connection, r.created_at)
        .Run();
  });
}

Result<std::vector<RunClusterModel>> SqliteStore::ListRunClusters(const DagRunKey& run) {
  return Read([&](Connection& conn) -> Result<std::vector<RunClusterModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kColumns +
                                                " FROM run_cluster rc WHERE rc.dag_id = ? AND "
                                                "rc.run_id = ? ORDER BY rc.created_at"));
    st.BindAll(run.dag_id, run.run_id);
    return ReadAll(st);
  });
}

Result<std::vector<RunClusterModel>> SqliteStore::ListClustersOfEndedRuns() {
  return Read([&](Connection& conn) -> Result<std::vector<RunClusterModel>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kColumns +
                                  " FROM run_cluster rc JOIN dag_run r ON r.dag_id = rc.dag_id "
                                  "AND r.run_id = rc.run_id WHERE rc.reaped_at IS NULL AND "
                                  "r.state IN ('success', 'failed') ORDER BY rc.created_at"));
    return ReadAll(st);
  });
}

Status SqliteStore::MarkRunClusterReaped(const DagRunKey& run, std::string_view cluster_id,
                                         TimePoint at) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("UPDATE run_cluster SET reaped_at = ? WHERE "
                                                "dag_id = ? AND run_id = ? AND cluster_id = ?"));
    RETURN_NOT_OK(st.BindAll(at, run.dag_id, run.run_id, cluster_id).Run());
    return sqlite::ExpectChanged(conn, "cluster " + sqlite::Quoted(cluster_id) + " of " +
                                           sqlite::Describe(run));
  });
}

}  // namespace sluice::orchestrator
