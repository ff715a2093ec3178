// The local executor (design.md §3): each task try runs as its own child process, in a
// process group of its own, with stdout and stderr in the try's log file. Exits are seen
// through pidfds, so the scheduler wakes the moment a try ends (no polling interval), and so
// it can also watch tries it adopted after a restart, which are not its children.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"
#include "orchestrator/metadata_models.h"

namespace sluice::orchestrator {

struct TryHandle {
  TaskInstanceKey key;
  int try_number = 0;
};

struct FinishedTry {
  TryHandle handle;
  // The process's exit code; nullopt for an adopted try (not our child: no status).
  std::optional<int> exit_code;
  bool timed_out = false;  // ended after the executor signalled it for execution_timeout
  std::string log_path;
};

class LocalExecutor {
 public:
  // `argv_prefix` starts every try's command line (the sluice binary and global options);
  // `parallelism` caps the tries running at once.
  LocalExecutor(std::vector<std::string> argv_prefix, int parallelism);
  ~LocalExecutor();
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  int running() const { return static_cast<int>(tries_.size()); }
  int free_slots() const { return parallelism_ - running(); }
  bool IsTracking(const TaskInstanceKey& key) const;

  // Starts `<argv_prefix> tasks run DAG RUN TASK --try N --log PATH` in a new process group.
  // `timeout` is the task's execution_timeout: past it the group gets SIGTERM, then SIGKILL.
  Status Launch(const TryHandle& handle, const std::string& log_path,
                std::optional<Micros> timeout);
  // Watches a try process started by an earlier scheduler (not our child).
  Status Adopt(const TryHandle& handle, pid_t pid, TimePoint started,
               std::optional<Micros> timeout, const std::string& log_path);

  // Waits until some try ends or `deadline` passes, enforcing timeouts meanwhile; returns the
  // tries that ended (possibly none).
  std::vector<FinishedTry> Wait(TimePoint deadline);

  // Signals every running try's group (SIGTERM), e.g. when `dags test` is interrupted.
  void TerminateAll();

  // How long a try gets between SIGTERM and SIGKILL.
  static constexpr Micros kKillGrace = std::chrono::seconds(5);

 private:
  struct Running {
    TryHandle handle;
    pid_t pid = 0;
    int pidfd = -1;
    bool child = true;
    TimePoint started;
    std::optional<Micros> timeout;
    std::optional<TimePoint> terminated_at;
    std::string log_path;
  };
  void EnforceTimeouts(TimePoint now);
  std::optional<TimePoint> NextTimeoutEvent() const;
  FinishedTry Reap(Running& r);

  std::vector<std::string> argv_prefix_;
  int parallelism_;
  std::map<pid_t, Running> tries_;
};

// Whether process `pid` is a try of `key`, judged by its command line (pids are reused).
bool IsTryProcess(pid_t pid, const TaskInstanceKey& key);

// The log file of a try: <home>/logs/dag_id=<d>/run_id=<r>/task_id=<t>/attempt=<n>.log.
std::string TryLogPath(const std::string& home, const TaskInstanceKey& key, int try_number);

}  // namespace sluice::orchestrator
