// The body of one task try's process (`sluice tasks run`, started by the executor with its
// output going to the try's log file): marks the try running, renders the task's fields,
// runs the operator (sensors poke as their mode says), records the outcome and the XCom.
#pragma once

#include <string>

#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

struct TaskTryRequest {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  int try_number = 1;
  std::string log_path;
};

// Exit codes of a try's process; anything else (a crash, a signal) is a failed try.
constexpr int kTryRecorded = 0;      // the outcome is in the metadata store
constexpr int kTryNotOwned = 3;      // another process moved the task instance first
constexpr int kTryCannotStart = 4;   // the task or its run could not be read

// Runs the try and returns the process's exit code. The operator registry must be filled.
int RunTaskTry(MetadataStore& store, const DagSpec& dag, const TaskTryRequest& request);

}  // namespace sluice::orchestrator
