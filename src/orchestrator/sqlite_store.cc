#include "orchestrator/sqlite_store.h"

#include "orchestrator/sqlite_migrations.h"
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;

SqliteStore::SqliteStore(std::string path, SqliteOptions options)
    : path_(std::move(path)), options_(options) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SqliteOptions& options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
  // Open one connection now so that a bad path fails here, naming the file.
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(path, options));
  store->Return(std::move(conn));
  return store;
}

Result<SqliteStore::Lease> SqliteStore::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto bound = in_transaction_.find(std::this_thread::get_id());
    if (bound != in_transaction_.end()) return Lease(bound->second);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(path_, options_));
  return Lease(this, std::move(conn));
}

void SqliteStore::Return(std::unique_ptr<Connection> conn) {
  if (conn->in_transaction()) return;  // never hand out a connection in an unknown state
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
    idle_.push_back(std::move(conn));
  }
}

Status SqliteStore::WithTransaction(const std::function<Status()>& fn) {
  ASSIGN_OR_RETURN(Lease lease, Acquire());
  Connection& conn = lease.conn();
  if (lease.borrowed()) return sqlite::InTransaction(conn, fn);  // nested: a savepoint
  std::lock_guard<std::mutex> writer(write_mu_);
  const std::thread::id me = std::this_thread::get_id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_transaction_[me] = &conn;
  }
  Status st = sqlite::InTransaction(conn, fn);
  std::lock_guard<std::mutex> lock(mu_);
  in_transaction_.erase(me);
  return st;
}

Result<MigrationResult> SqliteStore::MigrateTo(int version) {
  return Read([&](Connection& conn) { return sqlite::MigrateTo(conn, version); });
}

Status SqliteStore::Init() {
  RETURN_NOT_OK(MigrateTo(sqlite::LatestSchemaVersion()).status());
  return Check();
}

Result<MigrationResult> SqliteStore::Migrate() { return MigrateTo(sqlite::LatestSchemaVersion()); }

Result<SchemaVersion> SqliteStore::GetSchemaVersion() {
  return Read([&](Connection& conn) -> Result<SchemaVersion> {
    ASSIGN_OR_RETURN(int current, sqlite::ReadSchemaVersion(conn));
    return SchemaVersion{current, sqlite::LatestSchemaVersion()};
  });
}

Status SqliteStore::Check() {
  ASSIGN_OR_RETURN(SchemaVersion version, GetSchemaVersion());
  return sqlite::CheckSchemaVersion(path_, version);
}

}  // namespace sluice::orchestrator
