// Task instances and their tries in the SQLite store.
#include "orchestrator/sqlite_store_internal.h"

namespace sluice::orchestrator {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kTaskColumns =
    "dag_id, run_id, task_id, state, try_number, max_tries, operator, start_date, end_date, "
    "duration, next_attempt_at, pid, hostname, log_path, queued_at";

Result<TaskInstanceModel> ReadTask(const Statement& st) {
  TaskInstanceModel ti;
  ti.dag_id = st.Text(0);
  ti.run_id = st.Text(1);
  ti.task_id = st.Text(2);
  ASSIGN_OR_RETURN(ti.state, ParseTaskState(st.Text(3)));
  ti.try_number = static_cast<int>(st.Int64(4));
  ti.max_tries = static_cast<int>(st.Int64(5));
  ti.operator_name = st.Text(6);
  ti.start_date = st.OptTime(7);
  ti.end_date = st.OptTime(8);
  ti.duration = st.OptMicros(9);
  ti.next_attempt_at = st.OptTime(10);
  ti.pid = st.OptInt64(11);
  ti.hostname = st.Text(12);
  ti.log_path = st.Text(13);
  ti.queued_at = st.OptTime(14);
  return ti;
}

Result<std::vector<TaskInstanceModel>> ReadTasks(Statement& st) {
  std::vector<TaskInstanceModel> tasks;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return tasks;
    ASSIGN_OR_RETURN(TaskInstanceModel ti, ReadTask(st));
    tasks.push_back(std::move(ti));
  }
}

Result<bool> TaskExists(Connection& conn, const TaskInstanceKey& key) {
  ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT 1 FROM task_instance WHERE dag_id = ? AND "
                                              "run_id = ? AND task_id = ?"));
  st.BindAll(key.dag_id, key.run_id, key.task_id);
  return st.Step();
}

// The UPDATE for the fields `u` carries; its text depends only on which are present, so the
// few combinations the scheduler uses are each prepared once.
std::string TransitionSql(const TaskInstanceUpdate& u, bool check_state) {
  std::string set;
  auto assign = [&set](const char* column, const std::string& expr) {
    set += set.empty() ? "" : ", ";
    set += std::string(column) + " = " + expr;
  };
  if (u.state) assign("state", ":state");
  if (u.try_number) {
    assign("try_number", ":try_number");
  } else if (u.increment_try_number) {
    assign("try_number", "try_number + 1");
  }
  if (u.max_tries) assign("max_tries", ":max_tries");
  if (u.start_date.present()) assign("start_date", ":start_date");
  if (u.end_date.present()) assign("end_date", ":end_date");
  if (u.duration.present()) {
    assign("duration", ":duration");
  } else if (u.end_date.present()) {
    assign("duration",
           u.start_date.present() ? ":end_date - :start_date" : ":end_date - start_date");
  }
  if (u.next_attempt_at.present()) assign("next_attempt_at", ":next_attempt_at");
  if (u.queued_at.present()) assign("queued_at", ":queued_at");
  if (u.pid.present()) assign("pid", ":pid");
  if (u.hostname) assign("hostname", ":hostname");
  if (u.log_path) assign("log_path", ":log_path");
  if (set.empty()) assign("state", "state");
  std::string sql = "UPDATE task_instance SET " + set +
                    " WHERE dag_id = :dag_id AND run_id = :run_id AND task_id = :task_id";
  if (check_state) sql += " AND state IN (SELECT value FROM json_each(:from))";
  return sql;
}

void BindTransition(Statement& st, const TaskInstanceUpdate& u) {
  auto bind = [&st](const char* name, const auto& value) {
    int index = st.ParameterIndex(name);
    if (index > 0) st.Bind(index, value);
  };
  if (u.state) bind(":state", ToString(*u.state));
  if (u.try_number) bind(":try_number", *u.try_number);
  if (u.max_tries) bind(":max_tries", *u.max_tries);
  if (u.start_date.present()) bind(":start_date", u.start_date.value());
  if (u.end_date.present()) bind(":end_date", u.end_date.value());
  if (u.duration.present()) bind(":duration", u.duration.value());
  if (u.next_attempt_at.present()) bind(":next_attempt_at", u.next_attempt_at.value());
  if (u.queued_at.present()) bind(":queued_at", u.queued_at.value());
  if (u.pid.present()) bind(":pid", u.pid.value());
  if (u.hostname) bind(":hostname", *u.hostname);
  if (u.log_path) bind(":log_path", *u.log_path);
}

constexpr const char* kTryColumns =
    "dag_id, run_id, task_id, try_number, state, start_date, end_date, pid, hostname, "
    "log_path, error";

Result<TaskTryModel> ReadTry(const Statement& st) {
  TaskTryModel attempt;
  attempt.dag_id = st.Text(0);
  attempt.run_id = st.Text(1);
  attempt.task_id = st.Text(2);
  attempt.try_number = static_cast<int>(st.Int64(3));
  ASSIGN_OR_RETURN(attempt.state, ParseTaskState(st.Text(4)));
  attempt.start_date = st.OptTime(5);
  attempt.end_date = st.OptTime(6);
  attempt.pid = st.OptInt64(7);
  attempt.hostname = st.Text(8);
  attempt.log_path = st.Text(9);
  attempt.error = st.Text(10);
  return attempt;
}

}  // namespace

Result<int> SqliteStore::CreateTaskInstances(const DagRunKey& run,
                                             const std::vector<NewTaskInstance>& tasks) {
  return Write([&](Connection& conn) -> Result<int> {
    ASSIGN_OR_RETURN(Statement exists,
                     conn.Prepare("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?"));
    ASSIGN_OR_RETURN(bool run_exists, exists.BindAll(run.dag_id, run.run_id).Step());
    if (!run_exists) return Status::NotFound(sqlite::Describe(run) + " does not exist");
    ASSIGN_OR_RETURN(Statement insert,
                     conn.Prepare("INSERT INTO task_instance (dag_id, run_id, task_id, operator, "
                                  "max_tries) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    int created = 0;
    for (const NewTaskInstance& task : tasks) {
      insert.BindAll(run.dag_id, run.run_id, task.task_id, task.operator_name, task.max_tries);
      RETURN_NOT_OK(insert.Run());
      created += static_cast<int>(conn.Changes());
      insert.Reset();
    }
    return created;
  });
}

Result<TaskInstanceModel> SqliteStore::GetTaskInstance(const TaskInstanceKey& key) {
  return Read([&](Connection& conn) -> Result<TaskInstanceModel> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kTaskColumns +
                                  " FROM task_instance WHERE dag_id = ? AND run_id = ? AND "
                                  "task_id = ?"));
    st.BindAll(key.dag_id, key.run_id, key.task_id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound(sqlite::Describe(key) + " does not exist");
    return ReadTask(st);
  });
}

Result<std::vector<TaskInstanceModel>> SqliteStore::ListTaskInstances(const DagRunKey& run) {
  return Read([&](Connection& conn) -> Result<std::vector<TaskInstanceModel>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kTaskColumns +
                                  " FROM task_instance WHERE dag_id = ? AND run_id = ? "
                                  "ORDER BY rowid"));
    st.BindAll(run.dag_id, run.run_id);
    return ReadTasks(st);
  });
}

Result<std::vector<TaskInstanceModel>> SqliteStore::ListTaskInstancesInStates(
    const std::vector<TaskState>& states) {
  return Read([&](Connection& conn) -> Result<std::vector<TaskInstanceModel>> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kTaskColumns +
                                                " FROM task_instance WHERE state IN "
                                                "(SELECT value FROM json_each(?)) ORDER BY rowid"));
    st.BindAll(sqlite::StatesJson(states));
    return ReadTasks(st);
  });
}

Result<bool> SqliteStore::TransitionTaskInstance(const TaskInstanceKey& key,
                                                 const std::vector<TaskState>& allowed_from,
                                                 const TaskInstanceUpdate& update) {
  return WriteOne([&](Connection& conn) -> Result<bool> {
    ASSIGN_OR_RETURN(Statement st, conn.Prepare(TransitionSql(update, !allowed_from.empty())));
    BindTransition(st, update);
    st.Bind(st.ParameterIndex(":dag_id"), key.dag_id);
    st.Bind(st.ParameterIndex(":run_id"), key.run_id);
    st.Bind(st.ParameterIndex(":task_id"), key.task_id);
    if (!allowed_from.empty())
      st.Bind(st.ParameterIndex(":from"), sqlite::StatesJson(allowed_from));
    RETURN_NOT_OK(st.Run());
    if (conn.Changes() > 0) return true;
    ASSIGN_OR_RETURN(bool exists, TaskExists(conn, key));
    if (!exists) return Status::NotFound(sqlite::Describe(key) + " does not exist");
    return false;
  });
}

Status SqliteStore::StartTry(const TaskTryModel& attempt) {
  return Write([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(bool exists, TaskExists(conn, attempt.key()));
    if (!exists) return Status::NotFound(sqlite::Describe(attempt.key()) + " does not exist");
    // A rescheduled sensor starts the same try again: its first start_date stays.
    ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare(std::string("INSERT INTO task_try (") + kTryColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (dag_id, run_id, task_id, try_number) DO UPDATE SET "
                     "state = excluded.state, "
                     "start_date = COALESCE(task_try.start_date, excluded.start_date), "
                     "end_date = excluded.end_date, pid = excluded.pid, "
                     "hostname = excluded.hostname, log_path = excluded.log_path, "
                     "error = excluded.error"));
    st.BindAll(attempt.dag_id, attempt.run_id, attempt.task_id, attempt.try_number,
               ToString(attempt.state), attempt.start_date, attempt.end_date, attempt.pid,
               attempt.hostname, attempt.log_path, attempt.error);
    return st.Run();
  });
}

Status SqliteStore::FinishTry(const TaskInstanceKey& key, int try_number, TaskState state,
                              TimePoint end_date, std::string_view error) {
  return WriteOne([&](Connection& conn) -> Status {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare("UPDATE task_try SET state = ?, end_date = ?, error = ? "
                                  "WHERE dag_id = ? AND run_id = ? AND task_id = ? AND "
                                  "try_number = ?"));
    st.BindAll(ToString(state), end_date, error, key.dag_id, key.run_id, key.task_id, try_number);
    RETURN_NOT_OK(st.Run());
    return sqlite::ExpectChanged(
        conn, "try " + std::to_string(try_number) + " of " + sqlite::Describe(key));
  });
}

Result<std::vector<TaskTryModel>> SqliteStore::ListTries(const TaskInstanceKey& key) {
  return Read([&](Connection& conn) -> Result<std::vector<TaskTryModel>> {
    ASSIGN_OR_RETURN(Statement st,
                     conn.Prepare(std::string("SELECT ") + kTryColumns +
                                  " FROM task_try WHERE dag_id = ? AND run_id = ? AND "
                                  "task_id = ? ORDER BY try_number"));
    st.BindAll(key.dag_id, key.run_id, key.task_id);
    std::vector<TaskTryModel> tries;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return tries;
      ASSIGN_OR_RETURN(TaskTryModel attempt, ReadTry(st));
      tries.push_back(std::move(attempt));
    }
  });
}

}  // namespace sluice::orchestrator
