#include "orchestrator/retry_policy.h"

#include <openssl/sha.h>

#include <cmath>

namespace sluice::orchestrator {

namespace {

// The 160-bit SHA-1 digest as a big-endian number, modulo m (m > 0).
uint64_t DigestMod(const std::string& text, uint64_t m) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  unsigned __int128 rem = 0;
  for (unsigned char byte : digest) rem = (rem * 256 + byte) % m;
  return static_cast<uint64_t>(rem);
}

}  // namespace

Micros RetryDelay(const RetryPolicy& policy, const std::string& dag_id, const std::string& task_id,
                  TimePoint logical_date, int try_number) {
  Micros delay = policy.retry_delay;
  if (policy.exponential_backoff) {
    double seconds = std::chrono::duration<double>(policy.retry_delay).count();
    double min_backoff = std::ceil(seconds * std::pow(2.0, try_number - 1));
    // Airflow works in whole seconds here and would divide by zero below 1.
    uint64_t base = static_cast<uint64_t>(std::max(1.0, std::min(min_backoff, 1e15)));
    std::string key = dag_id + "#" + task_id + "#" + FormatIso8601(logical_date) + "#" +
                      std::to_string(try_number);
    uint64_t total = base + DigestMod(key, base);
    delay = std::chrono::seconds(static_cast<int64_t>(std::min<uint64_t>(total, 1ull << 40)));
  }
  if (policy.max_retry_delay && delay > *policy.max_retry_delay) delay = *policy.max_retry_delay;
  return delay;
}

}  // namespace sluice::orchestrator
