// Jittered exponential backoff ("full jitter") for retrying throttled or failed calls to AWS
// services: before retry n, sleep a random time in [0, min(cap, base * 2^n)], which spreads
// clients that failed together instead of having them retry in lockstep.
#pragma once

#include <chrono>

namespace sluice::storage {

struct BackoffOptions {
  int max_attempts = 5;  // tries in all, the first one included
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{20'000};
};

// The ceiling for retry `retry` (0 for the first retry): min(cap, base * 2^retry).
std::chrono::milliseconds BackoffCeiling(const BackoffOptions& options, int retry);
// A random delay in [0, BackoffCeiling(options, retry)].
std::chrono::milliseconds BackoffDelay(const BackoffOptions& options, int retry);
// Sleeps for BackoffDelay(options, retry).
void SleepBeforeRetry(const BackoffOptions& options, int retry);

}  // namespace sluice::storage
