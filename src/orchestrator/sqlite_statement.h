// A prepared SQLite statement borrowed from a connection's cache for one use: bind, step,
// read columns. It is reset when it goes out of scope so the cache can hand it out again.
// Private to the SQLite metadata store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::orchestrator::sqlite {

class Connection;

class Statement {
 public:
  // `cached` statements go back to the connection's cache; others are finalized.
  Statement(Connection* conn, sqlite3_stmt* stmt, bool cached);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters by 1-based position. Times are stored as microseconds since the epoch, JSON
  // as its text, empty optionals as NULL. A failed bind is reported by the next Step().
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, TimePoint value);
  Statement& Bind(int index, Micros value) {
    return Bind(index, static_cast<int64_t>(value.count()));
  }
  Statement& Bind(int index, const nlohmann::json& value);
  Statement& Bind(int index, std::nullopt_t);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : Bind(index, std::nullopt);
  }
  // The position of a named parameter (":name"), 0 if the statement has none by that name.
  int ParameterIndex(const char* name) const { return sqlite3_bind_parameter_index(stmt_, name); }
  // Binds every argument in order, from parameter 1.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true when one is ready, false when the statement is done.
  // Retries while the database is busy, up to the connection's limit.
  Result<bool> Step();
  // Steps until done (statements that return no rows).
  Status Run();
  // Makes the statement ready to run again; bindings stay until bound anew.
  void Reset();

  // Columns by 0-based position in the current row.
  bool IsNull(int col) const;
  int64_t Int64(int col) const;
  bool Bool(int col) const { return Int64(col) != 0; }
  std::string Text(int col) const;  // "" for NULL
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt64(int col) const;
  TimePoint Time(int col) const;
  std::optional<TimePoint> OptTime(int col) const;
  std::optional<Micros> OptMicros(int col) const;
  // Parses the column's JSON text; the error names the column.
  Result<nlohmann::json> Json(int col) const;

 private:
  void NoteBind(int rc, int index);

  Connection* conn_;
  sqlite3_stmt* stmt_;
  bool cached_;
  bool stepped_row_ = false;  // a row was returned: retrying on busy is no longer safe
  int bind_error_ = SQLITE_OK;
  int bind_error_index_ = 0;
};

}  // namespace sluice::orchestrator::sqlite
