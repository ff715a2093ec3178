#include "orchestrator/sqlite_connection.h"

#include <cstring>

namespace sluice::orchestrator::sqlite {

Connection::Connection(sqlite3* db, std::string path, Options options)
    : db_(db), path_(std::move(path)), options_(options) {}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const Options& options) {
  // NOMUTEX: the store hands each connection to one thread at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int err = db != nullptr ? sqlite3_system_errno(db) : 0;
    if (err != 0) why += std::string(" (") + std::strerror(err) + ")";
    sqlite3_close_v2(db);
    return Status::IoError("cannot open database '" + path + "': " + why);
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db, path, options));
  RETURN_NOT_OK(conn->ApplyPragmas());
  return conn;
}

Status Connection::ApplyPragmas() {
  sqlite3_busy_timeout(db_, static_cast<int>(options_.busy_timeout.count()));
  // WAL lets readers (CLI, server) run while the scheduler writes; NORMAL is durable across
  // process crashes in WAL mode and saves an fsync per commit.
  ASSIGN_OR_RETURN(Statement mode, Prepare("PRAGMA journal_mode=WAL"));
  ASSIGN_OR_RETURN(bool row, mode.Step());
  std::string got = row ? mode.Text(0) : "";
  if (got != "wal") {
    return Status::IoError("database '" + path_ + "': cannot use the WAL journal mode (got '" +
                           got + "'); the file must be on a local filesystem");
  }
  return Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, /*cached=*/true);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "preparing `" + std::string(sql.substr(0, 80)) + "`");
  }
  if (it != cache_.end()) return Statement(this, stmt, /*cached=*/false);
  Cached& cached = cache_[std::string(sql)];
  cached.stmt = stmt;
  cached.in_use = true;
  by_stmt_[stmt] = &cached;
  return Statement(this, stmt, /*cached=*/true);
}

void Connection::Release(sqlite3_stmt* stmt) {
  auto it = by_stmt_.find(stmt);
  if (it != by_stmt_.end()) it->second->in_use = false;
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::OK();
  std::string why = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  if (IsBusy(rc)) return Error(rc, "running `" + text.substr(0, 80) + "`");
  return Status::IoError("database '" + path_ + "': running `" + text.substr(0, 80) + "`: " + why);
}

Status Connection::RunCached(const char* sql) {
  ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  return st.Run();
}

Status Connection::Begin() {
  if (depth_ == 0) {
    // Statement::Step retries a busy BEGIN: no transaction is open yet.
    RETURN_NOT_OK(RunCached("BEGIN IMMEDIATE"));
  } else {
    RETURN_NOT_OK(Exec("SAVEPOINT sp" + std::to_string(depth_)));
  }
  ++depth_;
  return Status::OK();
}

Status Connection::Commit() {
  --depth_;
  if (depth_ > 0) return Exec("RELEASE sp" + std::to_string(depth_));
  Status st = RunCached("COMMIT");
  if (!st.ok() && sqlite3_get_autocommit(db_) == 0) (void)Exec("ROLLBACK");
  return st;
}

Status Connection::Rollback() {
  --depth_;
  if (depth_ > 0) {
    std::string sp = "sp" + std::to_string(depth_);
    return Exec("ROLLBACK TO " + sp + "; RELEASE " + sp);
  }
  // Some errors (disk full, I/O) already rolled the transaction back.
  if (sqlite3_get_autocommit(db_) != 0) return Status::OK();
  return Exec("ROLLBACK");
}

Status Connection::Error(int rc, std::string_view what) const {
  std::string why = sqlite3_errmsg(db_);
  if (why == "not an error") why = sqlite3_errstr(rc);
  if (IsBusy(rc)) {
    return Status::IoError("database '" + path_ + "' is locked: another process held it for " +
                           "more than " + std::to_string(options_.busy_timeout.count()) + " ms (" +
                           std::string(what) + ": " + why + ")");
  }
  std::string message = "database '" + path_ + "': " + std::string(what) + ": " + why;
  if (why.rfind("no such table", 0) == 0) {
    message += "; the schema is missing or old: run `sluice db migrate`";
  }
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::InvalidArgument(message);
  return Status::IoError(message);
}

}  // namespace sluice::orchestrator::sqlite
