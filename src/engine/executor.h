// Runs a job plan: plans it onto operators (binding names, pruning unread columns), drives
// every input scan in an order that builds join tables before probing them, then commits
// each output folder. Nothing is committed unless every part of the job succeeded.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "engine/operators.h"
#include "engine/plan.h"

namespace sluice::engine {

struct RunOptions {
  int threads = 0;        // 0 = the thread pool's parallelism
  bool progress = true;   // a progress line on a terminal
};

struct InputSummary {
  std::string name;
  std::string uri;
  int64_t rows = 0;
  int64_t malformed = 0;
  int64_t bytes = 0;
  std::string mode;          // failfast | dropmalformed | permissive
  std::string rejects_uri;   // where PERMISSIVE rejects were written, if any
};

struct JoinSummary {
  std::string name;
  std::string how;
  JoinStats stats;
};

struct OutputSummary {
  std::string name;
  std::string uri;
  int64_t rows = 0;
  int64_t bytes = 0;
  bool written = false;  // false when mode ignore found existing output
  std::string part_uri;
};

struct JobSummary {
  std::string job;
  std::vector<InputSummary> inputs;
  std::vector<JoinSummary> joins;
  std::vector<OutputSummary> outputs;
  double seconds = 0;
  int64_t peak_rss_bytes = 0;
  int threads = 0;
};

Result<JobSummary> RunJob(const JobPlan& plan, const RunOptions& options);

// The human-readable summary printed at the end of `sluice etl run`.
std::string FormatSummary(const JobSummary& summary);
// The same as a JSON document (for --output json).
std::string SummaryToJson(const JobSummary& summary);

}  // namespace sluice::engine
