// What the sqlite_store_*.cc files share: the connection lease, Read/Write helpers, and the
// small conversions between models and SQL values. Private to the SQLite store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "orchestrator/sqlite_connection.h"
#include "orchestrator/sqlite_store.h"

namespace sluice::orchestrator {

// A connection for the length of one store call. Owned leases go back to the pool; a
// borrowed one belongs to the thread's open transaction.
class SqliteStore::Lease {
 public:
  Lease(SqliteStore* store, std::unique_ptr<sqlite::Connection> owned)
      : store_(store), owned_(std::move(owned)), conn_(owned_.get()) {}
  explicit Lease(sqlite::Connection* borrowed) : conn_(borrowed) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (owned_) store_->Return(std::move(owned_));
  }

  sqlite::Connection& conn() { return *conn_; }
  bool borrowed() const { return owned_ == nullptr; }

 private:
  SqliteStore* store_ = nullptr;
  std::unique_ptr<sqlite::Connection> owned_;
  sqlite::Connection* conn_;
};

template <typename F>
auto SqliteStore::Read(F&& f) {
  using R = decltype(f(std::declval<sqlite::Connection&>()));
  Result<Lease> lease = Acquire();
  if (!lease.ok()) return R(lease.status());
  return f(lease->conn());
}

template <typename F>
auto SqliteStore::WriteOne(F&& f) {
  using R = decltype(f(std::declval<sqlite::Connection&>()));
  Result<Lease> lease = Acquire();
  if (!lease.ok()) return R(lease.status());
  // Writers of this process queue here and wake at once, rather than in SQLite's busy
  // handler, which polls with sleeps of a millisecond and more.
  std::unique_lock<std::mutex> lock(write_mu_, std::defer_lock);
  if (!lease->borrowed()) lock.lock();
  return f(lease->conn());
}

template <typename F>
auto SqliteStore::Write(F&& f) {
  return WriteOne([&](sqlite::Connection& conn) {
    return sqlite::InTransaction(conn, [&] { return f(conn); });
  });
}

namespace sqlite {

// A JSON array of the texts, for `x IN (SELECT value FROM json_each(?))`: one statement
// text (cached once) for any number of values.
template <typename T, typename ToText>
std::string JsonArray(const std::vector<T>& values, ToText to_text) {
  nlohmann::json array = nlohmann::json::array();
  for (const T& v : values) array.push_back(std::string(to_text(v)));
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string StatesJson(const std::vector<TaskState>& states) {
  return JsonArray(states, [](TaskState s) { return ToString(s); });
}

inline std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// "task instance 'dag' / 'run' / 'task'" for messages.
inline std::string Describe(const TaskInstanceKey& key) {
  return "task instance " + Quoted(key.dag_id) + " / " + Quoted(key.run_id) + " / " +
         Quoted(key.task_id);
}
inline std::string Describe(const DagRunKey& key) {
  return "DAG run " + Quoted(key.run_id) + " of DAG " + Quoted(key.dag_id);
}

// NotFound unless the last statement changed a row.
inline Status ExpectChanged(Connection& conn, const std::string& what) {
  if (conn.Changes() > 0) return Status::OK();
  return Status::NotFound(what + " does not exist");
}

}  // namespace sqlite
}  // namespace sluice::orchestrator
