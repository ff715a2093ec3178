// One SQLite connection of the metadata store: opened with the pragmas several processes need
// (WAL, foreign keys, busy timeout), with its prepared statements cached by SQL text and
// nested transactions (BEGIN IMMEDIATE, then savepoints). Private to the SQLite store.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "orchestrator/sqlite_options.h"
#include "orchestrator/sqlite_statement.h"

namespace sluice::orchestrator::sqlite {

using Options = SqliteOptions;

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The statement for `sql`, prepared once per connection. If the cached one is in use
  // (a statement run while iterating another), a fresh one is prepared for this use.
  Result<Statement> Prepare(std::string_view sql);
  // Runs a script of several statements, uncached (migrations, transaction control).
  Status Exec(std::string_view sql);

  // Nested transactions: the outermost is BEGIN IMMEDIATE (the write lock first, so no
  // deadlock between two readers that both want to write), inner ones are savepoints.
  Status Begin();
  Status Commit();
  Status Rollback();
  bool in_transaction() const { return depth_ > 0; }

  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // "database '/path/sluice.db': <what>: <sqlite's message>", with a hint when the schema
  // is missing and a clear word when the database stayed locked.
  Status Error(int rc, std::string_view what) const;
  bool IsBusy(int rc) const { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }
  const Options& options() const { return options_; }

 private:
  friend class Statement;
  Connection(sqlite3* db, std::string path, Options options);
  void Release(sqlite3_stmt* stmt);   // a cached statement is free again
  Status RunCached(const char* sql);  // a statement without parameters or rows
  Status ApplyPragmas();

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* db_;
  std::string path_;
  Options options_;
  std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache_;
  std::unordered_map<sqlite3_stmt*, Cached*> by_stmt_;
  int depth_ = 0;
};

// Runs f() inside a (possibly nested) transaction on `conn`: committed if f's Status or
// Result is OK, rolled back otherwise.
template <typename F>
auto InTransaction(Connection& conn, F&& f) -> decltype(f()) {
  RETURN_NOT_OK(conn.Begin());
  auto result = f();
  if (!result.ok()) {
    (void)conn.Rollback();  // the error that caused it is the one worth reporting
    return result;
  }
  RETURN_NOT_OK(conn.Commit());
  return result;
}

}  // namespace sluice::orchestrator::sqlite
