#include "orchestrator/metadata_models.h"

#include <gtest/gtest.h>

namespace sluice::orchestrator {
namespace {

TEST(MetadataModelsTest, TaskStatesRoundTripByAirflowNames) {
  const std::vector<std::pair<TaskState, std::string>> names = {
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
  };
  for (const auto& [state, name] : names) {
    EXPECT_EQ(ToString(state), name);
    auto parsed = ParseTaskState(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, state);
  }
}

TEST(MetadataModelsTest, DagRunStatesAndTypes) {
  for (DagRunState s :
       {DagRunState::kQueued, DagRunState::kRunning, DagRunState::kSuccess, DagRunState::kFailed}) {
    EXPECT_EQ(*ParseDagRunState(ToString(s)), s);
  }
  EXPECT_EQ(ToString(DagRunState::kRunning), "running");
  EXPECT_EQ(ToString(DagRunType::kBackfill), "backfill");
  EXPECT_EQ(*ParseDagRunType("scheduled"), DagRunType::kScheduled);
  EXPECT_EQ(*ParseDagRunType("manual"), DagRunType::kManual);
}

TEST(MetadataModelsTest, ParseErrorsListTheAcceptedNames) {
  auto bad = ParseTaskState("UP_FOR_RETRY");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'UP_FOR_RETRY'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("up_for_retry"), std::string::npos);
  EXPECT_FALSE(ParseDagRunState("done").ok());
  EXPECT_FALSE(ParseDagRunType("").ok());
}

TEST(MetadataModelsTest, FinishedStates) {
  EXPECT_TRUE(IsFinished(TaskState::kSuccess));
  EXPECT_TRUE(IsFinished(TaskState::kUpstreamFailed));
  EXPECT_TRUE(IsFinished(TaskState::kSkipped));
  EXPECT_TRUE(IsFinished(TaskState::kRemoved));
  EXPECT_FALSE(IsFinished(TaskState::kUpForRetry));
  EXPECT_FALSE(IsFinished(TaskState::kRunning));
  EXPECT_FALSE(IsFinished(TaskState::kNone));
  EXPECT_TRUE(IsFinished(DagRunState::kFailed));
  EXPECT_FALSE(IsFinished(DagRunState::kQueued));
}

TEST(MetadataModelsTest, FieldUpdateDistinguishesUnsetSetAndCleared) {
  FieldUpdate<int64_t> unset;
  FieldUpdate<int64_t> set = int64_t{42};
  FieldUpdate<int64_t> cleared = std::nullopt;
  EXPECT_FALSE(unset.present());
  EXPECT_TRUE(set.present());
  EXPECT_EQ(set.value(), 42);
  EXPECT_TRUE(cleared.present());
  EXPECT_FALSE(cleared.value().has_value());
}

}  // namespace
}  // namespace sluice::orchestrator
