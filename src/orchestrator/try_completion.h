// How a finished try moves its task instance on, in one place for the try's own process and
// for the scheduler (which finishes tries whose process died or timed out): success; a
// failure becomes up_for_retry while retries remain (after RetryDelay), else failed; a
// sensor's reschedule becomes up_for_reschedule; a skip becomes skipped.
#pragma once

#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/task_operator.h"

namespace sluice::orchestrator {

// Applies only while the task instance is still running (or queued) with this try number:
// returns false when another process got there first. XCom return_value is pushed on
// success.
Result<bool> CompleteTry(MetadataStore& store, const TaskSpec& task, const TaskInstanceModel& ti,
                         TimePoint logical_date, const TaskOutcome& outcome, TimePoint now);

// The task state an outcome leads to: a failure is retried while try_number <= max_tries
// (the task's retries, raised by `tasks clear` so a cleared task gets its retries again).
TaskState StateAfter(const TaskInstanceModel& ti, const TaskOutcome& outcome);

}  // namespace sluice::orchestrator
