#include "cluster/process_identity.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::cluster {

namespace {

struct ProcStat {
  char state = '?';
  int64_t start_ticks = 0;
};

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: fields resume after
  // the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  ProcStat stat;
  rest >> stat.state;
  std::string skip;
  for (int field = 4; field < 22; ++field) rest >> skip;  // fields 4..21
  rest >> stat.start_ticks;
  if (!rest) return std::nullopt;
  return stat;
}

}  // namespace

std::optional<int64_t> ProcessStartTicks(pid_t pid) {
  auto stat = ReadProcStat(pid);
  if (!stat) return std::nullopt;
  return stat->start_ticks;
}

bool IsSameProcessAlive(pid_t pid, int64_t start_ticks) {
  if (pid <= 0) return false;
  auto stat = ReadProcStat(pid);
  return stat && stat->state != 'Z' && stat->state != 'X' && stat->start_ticks == start_ticks;
}

std::string SelfExecutable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "sluice";
  return std::string(buf, static_cast<size_t>(n));
}

Status SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return Status::InvalidArgument("no program to start");
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t child = fork();
  if (child < 0) return Status::IoError(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // The intermediate child starts a session and forks the daemon, then exits at once so
    // the daemon is adopted by init and we can reap the intermediate right away.
    setsid();
    if (fork() != 0) _exit(0);
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (null_fd >= 0) dup2(null_fd, 0);
    if (log_fd >= 0) {
      dup2(log_fd, 1);
      dup2(log_fd, 2);
    }
    // Inherited descriptors (a caller's pipes, its database) would keep them open for the
    // daemon's whole life: a reader of the caller's output would never see EOF.
    close_range(3, ~0U, 0);
    signal(SIGPIPE, SIG_DFL);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return Status::OK();
}

}  // namespace sluice::cluster
