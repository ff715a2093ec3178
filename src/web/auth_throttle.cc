#include "web/auth_throttle.h"

#include <algorithm>

namespace sluice::web {

namespace {

// Bounds memory when someone sprays random usernames: past this, quiet entries are dropped.
constexpr size_t kMaxEntries = 10000;

}  // namespace

Micros LoginThrottle::WaitOf(const Table& table, std::string_view key, int threshold,
                             TimePoint now) const {
  auto it = table.find(std::string(key));
  if (it == table.end() || it->second.failures < threshold) return Micros(0);
  const Entry& e = it->second;
  if (now - e.last_failure > options_.forget_after) return Micros(0);
  int doublings = std::min(e.failures - threshold, 30);
  Micros window = std::min(options_.max_delay, options_.base_delay * (int64_t{1} << doublings));
  TimePoint until = e.last_failure + window;
  return until > now ? until - now : Micros(0);
}

Micros LoginThrottle::Wait(std::string_view username, std::string_view client, TimePoint now) {
  std::lock_guard lock(mu_);
  return std::max(WaitOf(users_, username, options_.user_threshold, now),
                  WaitOf(clients_, client, options_.client_threshold, now));
}

void LoginThrottle::Count(Table& table, std::string_view key, TimePoint now) {
  if (table.size() >= kMaxEntries) Forget(table, now);
  Entry& e = table[std::string(key)];
  if (e.failures > 0 && now - e.last_failure > options_.forget_after) e.failures = 0;
  ++e.failures;
  e.last_failure = now;
}

void LoginThrottle::Forget(Table& table, TimePoint now) {
  for (auto it = table.begin(); it != table.end();) {
    it = now - it->second.last_failure > options_.forget_after ? table.erase(it) : std::next(it);
  }
  // Still full: an active spray; the oldest counts matter least.
  if (table.size() >= kMaxEntries) table.clear();
}

void LoginThrottle::Failed(std::string_view username, std::string_view client, TimePoint now) {
  std::lock_guard lock(mu_);
  Count(users_, username, now);
  Count(clients_, client, now);
}

void LoginThrottle::Succeeded(std::string_view username) {
  std::lock_guard lock(mu_);
  users_.erase(std::string(username));
}

}  // namespace sluice::web
