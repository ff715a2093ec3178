#include "orchestrator/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>

namespace sluice::orchestrator {

namespace {

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

Status MakeParentFolders(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IoError("creating the log folder of " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace

std::string TryLogPath(const std::string& home, const TaskInstanceKey& key, int try_number) {
  return home + "/logs/dag_id=" + key.dag_id + "/run_id=" + key.run_id + "/task_id=" +
         key.task_id + "/attempt=" + std::to_string(try_number) + ".log";
}

bool IsTryProcess(pid_t pid, const TaskInstanceKey& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i < cmdline.size(); ++i) {
    if (cmdline[i] == '\0') {
      args.push_back(cmdline.substr(start, i - start));
      start = i + 1;
    }
  }
  for (size_t i = 0; i + 4 < args.size(); ++i) {
    if (args[i] == "tasks" && args[i + 1] == "run" && args[i + 2] == key.dag_id &&
        args[i + 3] == key.run_id && args[i + 4] == key.task_id) {
      return true;
    }
  }
  return false;
}

LocalExecutor::LocalExecutor(std::vector<std::string> argv_prefix, int parallelism)
    : argv_prefix_(std::move(argv_prefix)), parallelism_(std::max(1, parallelism)) {}

LocalExecutor::~LocalExecutor() {
  for (auto& [pid, r] : tries_) close(r.pidfd);
}

bool LocalExecutor::IsTracking(const TaskInstanceKey& key) const {
  for (const auto& [pid, r] : tries_) {
    if (r.handle.key.dag_id == key.dag_id && r.handle.key.run_id == key.run_id &&
        r.handle.key.task_id == key.task_id) {
      return true;
    }
  }
  return false;
}

Status LocalExecutor::Launch(const TryHandle& handle, const std::string& log_path,
                             std::optional<Micros> timeout) {
  RETURN_NOT_OK(MakeParentFolders(log_path));
  std::vector<std::string> args = argv_prefix_;
  for (const char* a : {"tasks", "run"}) args.push_back(a);
  args.insert(args.end(), {handle.key.dag_id, handle.key.run_id, handle.key.task_id, "--try",
                           std::to_string(handle.try_number), "--log", log_path});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return ErrnoStatus("opening log " + log_path, errno);
  pid_t pid = fork();
  if (pid < 0) {
    close(log);
    return ErrnoStatus("fork", errno);
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own group: a timeout signals the try and everything it started
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from here, so the group exists before any signal we send
  close(log);
  Running r;
  r.handle = handle;
  r.pid = pid;
  r.pidfd = PidfdOpen(pid);
  r.started = Now();
  r.timeout = timeout;
  r.log_path = log_path;
  if (r.pidfd < 0) return ErrnoStatus("pidfd_open", errno);
  tries_[pid] = std::move(r);
  return Status::OK();
}

Status LocalExecutor::Adopt(const TryHandle& handle, pid_t pid, TimePoint started,
                            std::optional<Micros> timeout, const std::string& log_path) {
  int fd = PidfdOpen(pid);
  if (fd < 0) return ErrnoStatus("watching pid " + std::to_string(pid), errno);
  Running r;
  r.handle = handle;
  r.pid = pid;
  r.pidfd = fd;
  r.child = false;
  r.started = started;
  r.timeout = timeout;
  r.log_path = log_path;
  tries_[pid] = std::move(r);
  return Status::OK();
}

std::optional<TimePoint> LocalExecutor::NextTimeoutEvent() const {
  std::optional<TimePoint> next;
  for (const auto& [pid, r] : tries_) {
    std::optional<TimePoint> at;
    if (r.terminated_at) {
      at = *r.terminated_at + kKillGrace;
    } else if (r.timeout) {
      at = r.started + *r.timeout;
    }
    if (at && (!next || *at < *next)) next = at;
  }
  return next;
}

void LocalExecutor::EnforceTimeouts(TimePoint now) {
  for (auto& [pid, r] : tries_) {
    if (!r.terminated_at && r.timeout && now >= r.started + *r.timeout) {
      kill(-r.pid, SIGTERM);
      r.terminated_at = now;
    } else if (r.terminated_at && now >= *r.terminated_at + kKillGrace) {
      kill(-r.pid, SIGKILL);
    }
  }
}

FinishedTry LocalExecutor::Reap(Running& r) {
  FinishedTry f;
  f.handle = r.handle;
  f.timed_out = r.terminated_at.has_value();
  f.log_path = r.log_path;
  if (r.child) {
    int status = 0;
    if (waitpid(r.pid, &status, WNOHANG) == r.pid) {
      f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
  if (r.terminated_at) kill(-r.pid, SIGKILL);  // whatever the try left in its group
  close(r.pidfd);
  return f;
}

std::vector<FinishedTry> LocalExecutor::Wait(TimePoint deadline) {
  std::vector<FinishedTry> done;
  for (;;) {
    TimePoint now = Now();
    EnforceTimeouts(now);
    TimePoint until = deadline;
    if (auto t = NextTimeoutEvent(); t && *t < until) until = *t;
    std::vector<pollfd> fds;
    std::vector<pid_t> pids;
    for (const auto& [pid, r] : tries_) {
      fds.push_back({r.pidfd, POLLIN, 0});
      pids.push_back(pid);
    }
    int wait_ms = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1));
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) break;
    for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto it = tries_.find(pids[i]);
      done.push_back(Reap(it->second));
      tries_.erase(it);
    }
    if (!done.empty() || Now() >= deadline) break;
  }
  return done;
}

void LocalExecutor::TerminateAll() {
  for (auto& [pid, r] : tries_) {
    kill(-r.pid, SIGTERM);
    if (!r.terminated_at) r.terminated_at = Now();
  }
}

}  // namespace sluice::orchestrator
