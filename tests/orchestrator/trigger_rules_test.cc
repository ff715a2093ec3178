// Every trigger rule against the upstream states that decide it, and the teardown rule.
#include "orchestrator/trigger_rules.h"

#include <gtest/gtest.h>

namespace sluice::orchestrator {
namespace {

using D = TriggerDecision;
using S = TaskState;

D Eval(TriggerRule rule, std::vector<S> states) {
  return EvaluateTriggerRule(rule, UpstreamStates::Of(states));
}

TEST(TriggerRulesTest, RootsAlwaysRun) {
  for (int r = 0; r <= static_cast<int>(TriggerRule::kAllDoneSetupSuccess); ++r) {
    EXPECT_EQ(Eval(static_cast<TriggerRule>(r), {}), D::kRun) << r;
  }
}

TEST(TriggerRulesTest, AllSuccess) {
  auto r = TriggerRule::kAllSuccess;
  EXPECT_EQ(Eval(r, {S::kSuccess, S::kSuccess}), D::kRun);
  EXPECT_EQ(Eval(r, {S::kSuccess, S::kRunning}), D::kWait);
  EXPECT_EQ(Eval(r, {S::kFailed, S::kRunning}), D::kUpstreamFailed);
  EXPECT_EQ(Eval(r, {S::kUpstreamFailed, S::kSuccess}), D::kUpstreamFailed);
  EXPECT_EQ(Eval(r, {S::kSkipped, S::kSuccess}), D::kSkip);
}

TEST(TriggerRulesTest, AllFailedAllDoneAllSkipped) {
  EXPECT_EQ(Eval(TriggerRule::kAllFailed, {S::kFailed, S::kUpstreamFailed}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kAllFailed, {S::kFailed, S::kSuccess}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kAllFailed, {S::kFailed, S::kQueued}), D::kWait);
  EXPECT_EQ(Eval(TriggerRule::kAllDone, {S::kFailed, S::kSuccess, S::kSkipped}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kAllDone, {S::kFailed, S::kUpForRetry}), D::kWait);
  EXPECT_EQ(Eval(TriggerRule::kAllSkipped, {S::kSkipped, S::kSkipped}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kAllSkipped, {S::kSkipped, S::kSuccess}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kAllSkipped, {S::kSkipped, S::kNone}), D::kWait);
}

TEST(TriggerRulesTest, OneSuccessOneFailedOneDone) {
  EXPECT_EQ(Eval(TriggerRule::kOneSuccess, {S::kSuccess, S::kRunning}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kOneSuccess, {S::kFailed, S::kRunning}), D::kWait);
  EXPECT_EQ(Eval(TriggerRule::kOneSuccess, {S::kFailed, S::kSkipped}), D::kUpstreamFailed);
  EXPECT_EQ(Eval(TriggerRule::kOneSuccess, {S::kSkipped, S::kSkipped}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kOneFailed, {S::kUpstreamFailed, S::kRunning}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kOneFailed, {S::kSuccess, S::kSkipped}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kOneFailed, {S::kSuccess, S::kScheduled}), D::kWait);
  EXPECT_EQ(Eval(TriggerRule::kOneDone, {S::kFailed, S::kRunning}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kOneDone, {S::kSkipped, S::kSkipped}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kOneDone, {S::kSkipped, S::kRunning}), D::kWait);
}

TEST(TriggerRulesTest, NoneFailedVariantsAndNoneSkippedAndAlways) {
  EXPECT_EQ(Eval(TriggerRule::kNoneFailed, {S::kSuccess, S::kSkipped}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kNoneFailed, {S::kFailed, S::kRunning}), D::kUpstreamFailed);
  EXPECT_EQ(Eval(TriggerRule::kNoneFailed, {S::kSuccess, S::kRunning}), D::kWait);
  auto nfmos = TriggerRule::kNoneFailedMinOneSuccess;
  EXPECT_EQ(Eval(nfmos, {S::kSuccess, S::kSkipped}), D::kRun);
  EXPECT_EQ(Eval(nfmos, {S::kSkipped, S::kSkipped}), D::kSkip);
  EXPECT_EQ(Eval(nfmos, {S::kUpstreamFailed, S::kSkipped}), D::kUpstreamFailed);
  EXPECT_EQ(Eval(TriggerRule::kNoneSkipped, {S::kFailed, S::kSuccess}), D::kRun);
  EXPECT_EQ(Eval(TriggerRule::kNoneSkipped, {S::kSkipped, S::kRunning}), D::kSkip);
  EXPECT_EQ(Eval(TriggerRule::kAlways, {S::kRunning, S::kNone}), D::kRun);
}

TEST(TriggerRulesTest, TeardownRunsAfterWorkWhenItsSetupSucceeded) {
  auto rule = TriggerRule::kAllDoneSetupSuccess;
  auto failed_work = UpstreamStates::Of({S::kFailed});
  EXPECT_EQ(EvaluateTriggerRule(rule, failed_work, S::kSuccess), D::kRun);
  EXPECT_EQ(EvaluateTriggerRule(rule, failed_work, S::kFailed), D::kSkip);
  EXPECT_EQ(EvaluateTriggerRule(rule, UpstreamStates::Of({S::kRunning}), S::kSuccess), D::kWait);
}

}  // namespace
}  // namespace sluice::orchestrator
