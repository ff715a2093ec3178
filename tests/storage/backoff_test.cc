// Full-jitter backoff: delays stay within the doubling ceiling, respect the cap, and vary.
#include "storage/backoff.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::storage {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, CeilingDoublesUpToTheCap) {
  BackoffOptions options{5, milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(BackoffCeiling(options, 0), milliseconds(100));
  EXPECT_EQ(BackoffCeiling(options, 1), milliseconds(200));
  EXPECT_EQ(BackoffCeiling(options, 3), milliseconds(800));
  EXPECT_EQ(BackoffCeiling(options, 4), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling(options, 1000), milliseconds(1000));  // no overflow
}

TEST(Backoff, DelaysAreWithinTheCeilingAndJittered) {
  BackoffOptions options{5, milliseconds(100), milliseconds(1000)};
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    milliseconds delay = BackoffDelay(options, 2);
    EXPECT_GE(delay.count(), 0);
    EXPECT_LE(delay.count(), 400);
    seen.insert(delay.count());
  }
  EXPECT_GT(seen.size(), 20u);  // full jitter, not a fixed sleep
}

TEST(Backoff, ZeroBaseNeverSleeps) {
  BackoffOptions options{3, milliseconds(0), milliseconds(0)};
  EXPECT_EQ(BackoffDelay(options, 5), milliseconds(0));
}

}  // namespace
}  // namespace sluice::storage
