#include "orchestrator/sqlite_statement.h"

#include <chrono>
#include <thread>

#include "orchestrator/sqlite_connection.h"

namespace sluice::orchestrator::sqlite {
namespace {

// The statement's first words on one line, enough to tell which one failed.
std::string Abbreviated(const char* sql) {
  std::string out;
  for (const char* p = sql; *p != '\0' && out.size() < 80; ++p) {
    bool space = *p == ' ' || *p == '\n' || *p == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : *p;
  }
  return out;
}

}  // namespace

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool cached)
    : conn_(conn), stmt_(stmt), cached_(cached) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(other.stmt_),
      cached_(other.cached_),
      stepped_row_(other.stepped_row_),
      bind_error_(other.bind_error_),
      bind_error_index_(other.bind_error_index_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (!cached_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  conn_->Release(stmt_);
}

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::Bind(int index, TimePoint value) {
  return Bind(index, static_cast<int64_t>(value.time_since_epoch().count()));
}

Statement& Statement::Bind(int index, const nlohmann::json& value) {
  // replace: a value with invalid UTF-8 is stored rather than thrown at the caller.
  return Bind(index, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Statement& Statement::Bind(int index, std::nullopt_t) {
  NoteBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return conn_->Error(bind_error_, "binding parameter " + std::to_string(bind_error_index_));
  }
  int retries = 0;
  while (true) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      stepped_row_ = true;
      return true;
    }
    if (rc == SQLITE_DONE) return false;
    // SQLite already waited busy_timeout; some busy answers (a stale WAL snapshot, recovery)
    // come without waiting. Retrying is safe only before any row was read and outside a
    // transaction, where the statement is its own transaction.
    bool retryable = conn_->IsBusy(rc) && !stepped_row_ && !conn_->in_transaction() &&
                     retries < conn_->options().busy_retries;
    if (!retryable) {
      Status error = conn_->Error(rc, "running `" + Abbreviated(sqlite3_sql(stmt_)) + "`");
      sqlite3_reset(stmt_);
      return error;
    }
    sqlite3_reset(stmt_);
    ++retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * retries));
  }
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::OK();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  stepped_row_ = false;
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Statement::Int64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::Text(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, col));
}

std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<int64_t> Statement::OptInt64(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int64(col);
}

TimePoint Statement::Time(int col) const { return TimePoint(Micros(Int64(col))); }

std::optional<TimePoint> Statement::OptTime(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Time(col);
}

std::optional<Micros> Statement::OptMicros(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Micros(Int64(col));
}

Result<nlohmann::json> Statement::Json(int col) const {
  if (IsNull(col)) return nlohmann::json();
  nlohmann::json value = nlohmann::json::parse(Text(col), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return Status::ParseError("database '" + conn_->path() + "': column '" +
                              sqlite3_column_name(stmt_, col) + "' does not hold valid JSON");
  }
  return value;
}

}  // namespace sluice::orchestrator::sqlite
