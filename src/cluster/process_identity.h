// Telling whether a process we recorded is still the same live process: a pid alone can be
// reused after the process dies, so its kernel start time (in clock ticks since boot) is kept
// beside it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::cluster {

// The start time of `pid` from /proc/<pid>/stat; nullopt if there is no such process.
std::optional<int64_t> ProcessStartTicks(pid_t pid);

// True when `pid` runs and started at `start_ticks` (a zombie counts as dead).
bool IsSameProcessAlive(pid_t pid, int64_t start_ticks);

// The running executable (/proc/self/exe), to start supervisors and `sluice` steps with.
std::string SelfExecutable();

// Starts argv as a daemon: a new session, stdin from /dev/null, stdout and stderr appended to
// `log_path`, not a child of this process (so it outlives it and is never left a zombie).
Status SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace sluice::cluster
