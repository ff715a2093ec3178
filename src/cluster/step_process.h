// One running step of a local cluster: a child process of the supervisor with command-runner
// semantics (Args is the argv), in its own process group, its stdout and stderr in files, and
// the cluster's size in its environment.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::cluster {

struct StepLaunch {
  std::vector<std::string> argv;  // a leading "sluice" runs this very binary
  std::string stdout_path;
  std::string stderr_path;
  std::map<std::string, std::string> env;  // added to the supervisor's environment
  std::string cwd;  // the step's working folder ("" = the supervisor's)
};

class StepProcess {
 public:
  static Result<StepProcess> Start(const StepLaunch& launch);

  pid_t pid() const { return pid_; }
  // Reaps the process if it ended: its exit code (128 + signal when killed), else nullopt.
  std::optional<int> Poll();
  // SIGTERM to the step's process group, then SIGKILL once `grace` has passed (call again
  // each tick until Poll() reports the end).
  void Stop(Micros grace);

 private:
  explicit StepProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<TimePoint> term_sent_at_;
};

// The last non-empty line of a file (a failed step's stderr), at most `max_bytes` long.
std::string LastLineOf(const std::string& path, size_t max_bytes = 500);

}  // namespace sluice::cluster
