// Users of the web server in the SQLite store; password hashes are stored as given.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

std::string UserName(std::string_view username) { return "user " + sqlite::Quoted(username); }

UserModel ReadUser(const Statement& st) {
  return UserModel{st.Text(0), st.Text(1), st.Text(2), st.Time(3)};
}

}  // namespace

Status SqliteStore::CreateUser(const UserModel& user) {
  return Write([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement exists, conn.Prepare("SELECT 1 FROM user WHERE username = ?"));
    ASSIGN_OR_RETURN(bool taken, exists.BindAll(user.username).Step());
    if (taken) return Status::AlreadyExists(UserName(user.username) + " already exists");
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO user (username, role, password_hash, created_at) "
                                  "VALUES (?, ?, ?, ?)"));
    st.BindAll(user.username, user.role, user.password_hash, user.created_at.value_or(Now()));
    return st.Run();
  });
}

Result<UserModel> SqliteStore::GetUser(std::string_view username) {
  return Read([&](Connection& conn) -> Result<UserModel> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT username, role, password_hash, "
                                                "created_at FROM user WHERE username = ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(username).Step());
    if (!row) return Status::NotFound(UserName(username) + " does not exist");
    return ReadUser(st);
  });
}

Result<std::vector<UserModel>> SqliteStore::ListUsers() {
  return Read([&](Connection& conn) -> Result<std::vector<UserModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT username, role, password_hash, "
                                                "created_at FROM user ORDER BY username"));
    std::vector<UserModel> users;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return users;
      users.push_back(ReadUser(st));
    }
  });
}

Status SqliteStore::DeleteUser(std::string_view username) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM user WHERE username = ?"));
    RETURN_NOT_OK(st.BindAll(username).Run());
    return sqlite::ExpectChanged(conn, UserName(username));
  });
}

}  // namespace sluice::orchestrator
