#include "orchestrator/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sluice::orchestrator {

namespace {

// Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
struct ExecPlan {
  std::vector<std::string> argv_storage;
  std::vector<char*> argv;
  std::vector<std::string> env_storage;
  std::vector<char*> envp;
};

ExecPlan MakePlan(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env) {
  ExecPlan p;
  p.argv_storage = argv;
  for (auto& a : p.argv_storage) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  for (const auto& [k, v] : merged) p.env_storage.push_back(k + "=" + v);
  for (auto& e : p.env_storage) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  return p;
}

// Copies the child's stdout to ours, remembering the last non-empty line.
std::string Relay(int fd) {
  std::string last, current;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    fwrite(buf, 1, n, stdout);
    fflush(stdout);  // the try's log is followed live (UI, `tasks logs`)
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        if (!current.empty()) last = current;
        current.clear();
      } else if (current.size() < (1 << 16)) {
        current += buf[i];
      }
    }
  }
  fflush(stdout);
  if (!current.empty()) last = current;
  if (!last.empty() && last.back() == '\r') last.pop_back();
  return last;
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv,
                                       const std::map<std::string, std::string>& env,
                                       const std::string& cwd) {
  if (argv.empty()) return Status::InvalidArgument("empty command");
  ExecPlan plan = MakePlan(argv, env);
  int out[2], err_pipe[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return ErrnoStatus("pipe", errno);
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return ErrnoStatus("fork", errno);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(err_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
    int e = errno;
    (void)!write(err_pipe[1], &e, sizeof e);  // tells the parent why exec failed
    _exit(127);
  }
  close(out[1]);
  close(err_pipe[1]);
  std::string last = Relay(out[0]);
  close(out[0]);
  int exec_errno = 0;
  ssize_t got = read(err_pipe[0], &exec_errno, sizeof exec_errno);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    std::string what = !cwd.empty() && exec_errno == ENOENT && access(cwd.c_str(), F_OK) != 0
                           ? "cannot enter folder '" + cwd + "'"
                           : "cannot run '" + argv[0] + "'";
    Status st = ErrnoStatus(what, exec_errno);
    return exec_errno == ENOENT ? Status::NotFound(st.message()) : st;
  }
  SubprocessResult result;
  result.last_line = std::move(last);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace sluice::orchestrator
