// The web server's UI sessions and API tokens in the SQLite store, by the SHA-256 of their
// secret.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

Status SqliteStore::CreateAuthSession(const AuthSessionModel& s) {
  return Write([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement user, conn.Prepare("SELECT 1 FROM user WHERE username = ?"));
    ASSIGN_OR_RETURN(bool exists, user.BindAll(s.username).Step());
    if (!exists) return Status::NotFound("user " + sqlite::Quoted(s.username) + " does not exist");
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("INSERT INTO auth_session (secret_sha256, kind, username, "
                                  "csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (secret_sha256) DO NOTHING"));
    st.BindAll(s.secret_sha256, ToString(s.kind), s.username, s.csrf_token, s.created_at,
               s.expires_at);
    RETURN_NOT_OK(st.Run());
    if (conn.Changes() == 0) return Status::AlreadyExists("that session or token already exists");
    return Status::OK();
  });
}

Result<AuthSessionModel> SqliteStore::GetAuthSession(std::string_view secret_sha256,
                                                     AuthSessionKind kind, TimePoint now) {
  return Read([&](Connection& conn) -> Result<AuthSessionModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("SELECT username, csrf_token, created_at, expires_at FROM "
                                  "auth_session WHERE secret_sha256 = ? AND kind = ? AND "
                                  "expires_at > ?"));
    ASSIGN_OR_RETURN(bool row, st.BindAll(secret_sha256, ToString(kind), now).Step());
    if (!row) return Status::NotFound(std::string(ToString(kind)) + " unknown or expired");
    return AuthSessionModel{
        std::string(secret_sha256), kind, st.Text(0), st.Text(1), st.Time(2), st.Time(3)};
  });
}

Status SqliteStore::DeleteAuthSession(std::string_view secret_sha256) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("DELETE FROM auth_session WHERE secret_sha256 = ?"));
    return st.BindAll(secret_sha256).Run();
  });
}

Result<int> SqliteStore::PurgeExpiredAuthSessions(TimePoint now) {
  return WriteOne([&](Connection& conn) -> Result<int> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare("DELETE FROM auth_session WHERE expires_at <= ?"));
    RETURN_NOT_OK(st.BindAll(now).Run());
    return static_cast<int>(conn.Changes());
  });
}

}  // namespace sluice::orchestrator
