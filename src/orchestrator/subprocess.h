// Runs a program for the command and bash operators: argv without a shell, extra environment,
// a working folder; its stdout is copied to ours (the try's log) and its last line kept, as
// Airflow's BashOperator pushes it. The child stays in the try's process group, so a timeout
// that signals the group reaches it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::orchestrator {

struct SubprocessResult {
  int exit_code = 0;       // the exit status, or 128 + signal when killed by one
  std::string last_line;   // the last non-empty line of stdout, without its newline
};

// NotFound when the program does not exist, naming it.
Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv,
                                       const std::map<std::string, std::string>& env,
                                       const std::string& cwd);

}  // namespace sluice::orchestrator
