#include "orchestrator/metadata_models.h"

#include <array>
#include <utility>

namespace sluice::orchestrator {
namespace {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<DagRunState, 4> kDagRunStates{{
    {DagRunState::kQueued, "queued"},
    {DagRunState::kRunning, "running"},
    {DagRunState::kSuccess, "success"},
    {DagRunState::kFailed, "failed"},
}};

constexpr NameTable<DagRunType, 3> kDagRunTypes{{
    {DagRunType::kScheduled, "scheduled"},
    {DagRunType::kManual, "manual"},
    {DagRunType::kBackfill, "backfill"},
}};

constexpr NameTable<TaskState, 11> kTaskStates{{
    {TaskState::kNone, "none"},
    {TaskState::kScheduled, "scheduled"},
    {TaskState::kQueued, "queued"},
    {TaskState::kRunning, "running"},
    {TaskState::kSuccess, "success"},
    {TaskState::kFailed, "failed"},
    {TaskState::kUpForRetry, "up_for_retry"},
    {TaskState::kUpForReschedule, "up_for_reschedule"},
    {TaskState::kUpstreamFailed, "upstream_failed"},
    {TaskState::kSkipped, "skipped"},
    {TaskState::kRemoved, "removed"},
}};

constexpr NameTable<JobState, 3> kJobStates{{
    {JobState::kRunning, "running"},
    {JobState::kSuccess, "success"},
    {JobState::kFailed, "failed"},
}};

template <typename E, size_t N>
std::string_view NameOf(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
Result<E> ParseName(const NameTable<E, N>& table, std::string_view what, std::string_view text) {
  std::string names;
  for (const auto& [e, name] : table) {
    if (name == text) return e;
    names += names.empty() ? "" : ", ";
    names += name;
  }
  return Status::InvalidArgument("unknown " + std::string(what) + " '" + std::string(text) +
                                 "': expected one of " + names);
}

}  // namespace

std::string_view ToString(DagRunState state) { return NameOf(kDagRunStates, state); }
std::string_view ToString(DagRunType type) { return NameOf(kDagRunTypes, type); }
std::string_view ToString(TaskState state) { return NameOf(kTaskStates, state); }
std::string_view ToString(JobState state) { return NameOf(kJobStates, state); }
std::string_view ToString(AuthSessionKind kind) {
  return kind == AuthSessionKind::kToken ? "token" : "session";
}

Result<DagRunState> ParseDagRunState(std::string_view text) {
  return ParseName(kDagRunStates, "DAG run state", text);
}
Result<DagRunType> ParseDagRunType(std::string_view text) {
  return ParseName(kDagRunTypes, "DAG run type", text);
}
Result<TaskState> ParseTaskState(std::string_view text) {
  return ParseName(kTaskStates, "task state", text);
}
Result<JobState> ParseJobState(std::string_view text) {
  return ParseName(kJobStates, "job state", text);
}

void LoopStats::Observe(Micros took) {
  ++loops;
  total += took;
  last = took;
  for (size_t i = 0; i < kLoopBucketBounds.size(); ++i) at_most[i] += took <= kLoopBucketBounds[i];
}

bool IsFinished(DagRunState state) {
  return state == DagRunState::kSuccess || state == DagRunState::kFailed;
}

bool IsFinished(TaskState state) {
  switch (state) {
    case TaskState::kSuccess:
    case TaskState::kFailed:
    case TaskState::kUpstreamFailed:
    case TaskState::kSkipped:
    case TaskState::kRemoved:
      return true;
    default:
      return false;
  }
}

}  // namespace sluice::orchestrator
