#include "cluster/step_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "cluster/process_identity.h"

namespace sluice::cluster {

namespace {

[[noreturn]] void ExecStep(const StepLaunch& launch, std::vector<char*>& args) {
  setpgid(0, 0);
  // A step never outlives its supervisor: if the supervisor dies, the step is killed too.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int out = open(launch.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = open(launch.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int null_fd = open("/dev/null", O_RDONLY);
  if (out < 0 || err < 0) _exit(126);
  dup2(null_fd, 0);
  dup2(out, 1);
  dup2(err, 2);
  close_range(3, ~0U, 0);
  for (const auto& [k, v] : launch.env) setenv(k.c_str(), v.c_str(), 1);
  if (!launch.cwd.empty() && chdir(launch.cwd.c_str()) != 0) {
    dprintf(2, "command-runner: cannot enter %s: %s\n", launch.cwd.c_str(), std::strerror(errno));
    _exit(126);
  }
  execvp(args[0], args.data());
  dprintf(2, "command-runner: cannot run '%s': %s\n", args[0], std::strerror(errno));
  _exit(127);
}

}  // namespace

Result<StepProcess> StepProcess::Start(const StepLaunch& launch) {
  if (launch.argv.empty()) return Status::InvalidArgument("the step has no command line");
  std::vector<std::string> argv = launch.argv;
  if (argv[0] == "sluice") argv[0] = SelfExecutable();
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Status::IoError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) ExecStep(launch, args);
  setpgid(pid, pid);  // also here, so Stop() reaches the group even before the child runs
  return StepProcess(pid);
}

std::optional<int> StepProcess::Poll() {
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done != pid_) return std::nullopt;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

void StepProcess::Stop(Micros grace) {
  if (!term_sent_at_) {
    term_sent_at_ = Now();
    kill(-pid_, SIGTERM);
  } else if (Now() - *term_sent_at_ >= grace) {
    kill(-pid_, SIGKILL);
  }
}

std::string LastLineOf(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - 8192);
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  size_t nl = tail.rfind('\n');
  std::string line = nl == std::string::npos ? tail : tail.substr(nl + 1);
  if (line.size() > max_bytes) line = line.substr(0, max_bytes) + "...";
  return line;
}

}  // namespace sluice::cluster
