#include "orchestrator/retry_policy.h"

#include <gtest/gtest.h>

namespace sluice::orchestrator {
namespace {

using std::chrono::seconds;

TimePoint Nov1() { return TimePoint(seconds(1793491200)); }  // 2026-11-01T00:00:00Z

TEST(RetryPolicyTest, FixedDelay) {
  RetryPolicy p;
  p.retry_delay = seconds(30);
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 1), seconds(30));
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 4), seconds(30));
}

TEST(RetryPolicyTest, ExponentialBackoffMatchesAirflowsFormula) {
  // Expected values computed independently with Python's hashlib:
  //   mb = ceil(30 * 2 ** (try - 1)); mb + int(sha1("d#t#2026-11-01T00:00:00+00:00#<try>")) % mb
  RetryPolicy p;
  p.retry_delay = seconds(30);
  p.exponential_backoff = true;
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 1), seconds(58));
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 2), seconds(109));
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 3), seconds(139));
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 5), seconds(546));
}

TEST(RetryPolicyTest, MaxRetryDelayCaps) {
  RetryPolicy p;
  p.retry_delay = seconds(30);
  p.exponential_backoff = true;
  p.max_retry_delay = seconds(100);
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 1), seconds(58));
  EXPECT_EQ(RetryDelay(p, "d", "t", Nov1(), 5), seconds(100));
}

}  // namespace
}  // namespace sluice::orchestrator
