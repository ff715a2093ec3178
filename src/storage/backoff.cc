// Full-jitter backoff delays, from a per-thread random generator.
#include "storage/backoff.h"

#include <algorithm>
#include <random>
#include <thread>

namespace sluice::storage {

std::chrono::milliseconds BackoffCeiling(const BackoffOptions& options, int retry) {
  auto ceiling = std::max<int64_t>(options.base.count(), 0);
  // Doubling stops at the cap, so a large retry number cannot overflow.
  for (int i = 0; i < retry && ceiling < options.cap.count(); ++i) ceiling *= 2;
  return std::chrono::milliseconds(std::min<int64_t>(ceiling, options.cap.count()));
}

std::chrono::milliseconds BackoffDelay(const BackoffOptions& options, int retry) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t ceiling = BackoffCeiling(options, retry).count();
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<int64_t> pick(0, ceiling);
  return std::chrono::milliseconds(pick(rng));
}

void SleepBeforeRetry(const BackoffOptions& options, int retry) {
  std::this_thread::sleep_for(BackoffDelay(options, retry));
}

}  // namespace sluice::storage
