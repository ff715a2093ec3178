// Variables and connections in the SQLite store. A connection's secrets sit in a table of
// their own, read only by GetConnection.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

std::string VariableName(std::string_view key) { return "variable " + sqlite::Quoted(key); }
std::string ConnectionName(std::string_view id) { return "connection " + sqlite::Quoted(id); }

constexpr const char* kConnectionColumns =
    "conn_id, conn_type, description, host, port, login, extra";

Result<ConnectionModel> ReadConnection(const Statement& st) {
  ConnectionModel c;
  c.conn_id = st.Text(0);
  c.conn_type = st.Text(1);
  c.description = st.Text(2);
  c.host = st.Text(3);
  if (std::optional<int64_t> port = st.OptInt64(4)) c.port = static_cast<int>(*port);
  c.login = st.Text(5);
  ASSIGN_OR_RETURN(c.extra, st.Json(6));
  return c;
}

}  // namespace

Result<VariableModel> SqliteStore::GetVariable(std::string_view key) {
  return Read([&](Connection& conn) -> Result<VariableModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("SELECT key, value, description FROM variable WHERE key = ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(key).Step());
    if (!row) return Status::NotFound(VariableName(key) + " does not exist");
    return VariableModel{st.Text(0), st.Text(1), st.Text(2)};
  });
}

Status SqliteStore::SetVariable(const VariableModel& variable) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO variable (key, value, description) VALUES "
                                  "(?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                                  "value = excluded.value, description = excluded.description"));
    return st.BindAll(variable.key, variable.value, variable.description).Run();
  });
}

Status SqliteStore::DeleteVariable(std::string_view key) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM variable WHERE key = ?"));
    RETURN_NOT_OK(st.BindAll(key).Run());
    return sqlite::ExpectChanged(conn, VariableName(key));
  });
}

Result<std::vector<VariableModel>> SqliteStore::ListVariables() {
  return Read([&](Connection& conn) -> Result<std::vector<VariableModel>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("SELECT key, value, description FROM variable ORDER BY key"));
    std::vector<VariableModel> variables;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return variables;
      variables.push_back({st.Text(0), st.Text(1), st.Text(2)});
    }
  });
}

Result<ConnectionModel> SqliteStore::GetConnection(std::string_view conn_id) {
  return Read([&](Connection& conn) -> Result<ConnectionModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kConnectionColumns +
                                  ", (SELECT secrets FROM connection_secret s WHERE "
                                  "s.conn_id = c.conn_id) FROM connection c WHERE conn_id = ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(conn_id).Step());
    if (!row) return Status::NotFound(ConnectionName(conn_id) + " does not exist");
    ASSIGN_OR_RETURN(ConnectionModel c, ReadConnection(st));
    ASSIGN_OR_RETURN(c.secrets, st.Json(7));
    if (c.secrets.is_null()) c.secrets = nlohmann::json::object();
    return c;
  });
}

Status SqliteStore::SetConnection(const ConnectionModel& c) {
  return Write([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("INSERT INTO connection (") + kConnectionColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conn_id) DO "
                                  "UPDATE SET conn_type = excluded.conn_type, "
                                  "description = excluded.description, host = excluded.host, "
                                  "port = excluded.port, login = excluded.login, "
                                  "extra = excluded.extra"));
    const nlohmann::json extra = c.extra.is_null() ? nlohmann::json::object() : c.extra;
    RETURN_NOT_OK(
        st.BindAll(c.conn_id, c.conn_type, c.description, c.host, c.port, c.login, extra).Run());
    ASSIGN_OR_RETURN(Statement secrets,
                     conn.Prepare("INSERT INTO connection_secret (conn_id, secrets) VALUES "
                                  "(?, ?) ON CONFLICT (conn_id) DO UPDATE SET "
                                  "secrets = excluded.secrets"));
    const nlohmann::json values = c.secrets.is_null() ? nlohmann::json::object() : c.secrets;
    return secrets.BindAll(c.conn_id, values).Run();
  });
}

Status SqliteStore::DeleteConnection(std::string_view conn_id) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM connection WHERE conn_id = ?"));
    RETURN_NOT_OK(st.BindAll(conn_id).Run());
    return sqlite::ExpectChanged(conn, ConnectionName(conn_id));
  });
}

Result<std::vector<ConnectionModel>> SqliteStore::ListConnections() {
  return Read([&](Connection& conn) -> Result<std::vector<ConnectionModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kConnectionColumns +
                                                " FROM connection ORDER BY conn_id"));
    std::vector<ConnectionModel> connections;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return connections;
      ASSIGN_OR_RETURN(ConnectionModel c, ReadConnection(st));
      connections.push_back(std::move(c));
    }
  });
}

}  // namespace sluice::orchestrator
