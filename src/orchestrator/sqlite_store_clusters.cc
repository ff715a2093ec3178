// The local cluster service's clusters and steps in the SQLite store: one JSON document per
// record (the cluster component owns its shape), with the columns the queries filter on.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using cluster::ClusterRecord;
using cluster::ClusterState;
using cluster::StepRecord;
using sqlite::Connection;
using sqlite::Statement;

namespace {

std::string ClusterName(std::string_view id) { return "cluster " + sqlite::Quoted(id); }

Result<ClusterRecord> ReadCluster(const Statement& st, int col) {
  ASSIGN_OR_RETURN(nlohmann::json doc, st.Json(col));
  return cluster::ClusterFromJson(doc);
}

Result<StepRecord> ReadStep(const Statement& st, int col) {
  ASSIGN_OR_RETURN(nlohmann::json doc, st.Json(col));
  return cluster::StepFromJson(doc);
}

template <typename T, typename ReadFn>
Result<std::vector<T>> ReadAll(Statement& st, ReadFn read) {
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    ASSIGN_OR_RETURN(T value, read(st, 0));
    out.push_back(std::move(value));
  }
}

}  // namespace

Status SqliteStore::CreateCluster(const ClusterRecord& c) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("INSERT INTO emr_cluster (id, state, "
                                                "created_at, doc) VALUES (?, ?, ?, ?) "
                                                "ON CONFLICT DO NOTHING"));
    RETURN_NOT_OK(st.BindAll(c.id, cluster::ToString(c.state), c.created_at, ToJson(c)).Run());
    if (conn.Changes() == 0) return Status::AlreadyExists(ClusterName(c.id) + " already exists");
    return Status::OK();
  });
}

Result<ClusterRecord> SqliteStore::GetCluster(std::string_view id) {
  return Read([&](Connection& conn) -> Result<ClusterRecord> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT doc FROM emr_cluster WHERE id = ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(id).Step());
    if (!row) return Status::NotFound(ClusterName(id) + " does not exist");
    return ReadCluster(st, 0);
  });
}

Result<std::vector<ClusterRecord>> SqliteStore::ListClusters(
    const std::vector<ClusterState>& states) {
  return Read([&](Connection& conn) -> Result<std::vector<ClusterRecord>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("SELECT doc FROM emr_cluster WHERE ? OR state IN "
                                  "(SELECT value FROM json_each(?)) "
                                  "ORDER BY created_at DESC, id DESC"));
    std::string wanted = sqlite::JsonArray(states, [](ClusterState s) { return ToString(s); });
    st.BindAll(states.empty(), wanted);
    return ReadAll<ClusterRecord>(st, ReadCluster);
  });
}

Status SqliteStore::SaveCluster(const ClusterRecord& c) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE emr_cluster SET state = ?, doc = ? WHERE id = ?"));
    RETURN_NOT_OK(st.BindAll(cluster::ToString(c.state), ToJson(c), c.id).Run());
    return sqlite::ExpectChanged(conn, ClusterName(c.id));
  });
}

Status SqliteStore::AddSteps(std::vector<StepRecord>* steps) {
  return Write([&](Connection& conn) -> Status {
    for (StepRecord& step : *steps) {
      ASSIGN_OR_RETURN(Statement next, conn.Prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM "
                                                    "emr_step WHERE cluster_id = ?"));
      ASSIGN_OR_RETURN(bool row, next.BindAll(step.cluster_id).Step());
      if (!row) return Status::Internal("no next step sequence number");
      step.seq = next.Int64(0);
      ASSIGN_OR_RETURN(Statement st, conn.Prepare("INSERT INTO emr_step (cluster_id, id, seq, "
                                                  "doc) VALUES (?, ?, ?, ?)"));
      Status inserted = st.BindAll(step.cluster_id, step.id, step.seq, ToJson(step)).Run();
      if (!inserted.ok()) return inserted.WithContext("adding step to " +
                                                      ClusterName(step.cluster_id));
    }
    return Status::OK();
  });
}

Result<StepRecord> SqliteStore::GetStep(std::string_view cluster_id, std::string_view step_id) {
  return Read([&](Connection& conn) -> Result<StepRecord> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT doc FROM emr_step WHERE cluster_id = ? "
                                                "AND id = ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(cluster_id, step_id).Step());
    if (!row) {
      return Status::NotFound("step " + sqlite::Quoted(step_id) + " of " +
                              ClusterName(cluster_id) + " does not exist");
    }
    return ReadStep(st, 0);
  });
}

Result<std::vector<StepRecord>> SqliteStore::ListSteps(std::string_view cluster_id) {
  return Read([&](Connection& conn) -> Result<std::vector<StepRecord>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT doc FROM emr_step WHERE cluster_id = ? "
                                                "ORDER BY seq"));
    st.BindAll(cluster_id);
    return ReadAll<StepRecord>(st, ReadStep);
  });
}

Status SqliteStore::SaveStep(const StepRecord& step) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("UPDATE emr_step SET doc = ? WHERE "
                                                "cluster_id = ? AND id = ?"));
    RETURN_NOT_OK(st.BindAll(ToJson(step), step.cluster_id, step.id).Run());
    return sqlite::ExpectChanged(conn, "step " + sqlite::Quoted(step.id));
  });
}

}  // namespace sluice::orchestrator
