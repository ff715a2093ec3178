// Slowing down password guessing (issue 5): after a few failed password checks for one
// username, or more from one client address, further checks are refused for a window that
// doubles with every further failure. Refusing (429) rather than sleeping keeps server threads
// free for everyone else.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/time_util.h"

namespace sluice::web {

class LoginThrottle {
 public:
  struct Options {
    int user_threshold = 5;     // failures of one username before it is throttled
    int client_threshold = 20;  // failures from one address (any usernames)
    Micros base_delay = std::chrono::seconds(1);
    Micros max_delay = std::chrono::minutes(15);
    Micros forget_after = std::chrono::minutes(15);  // a quiet key starts afresh
  };

  LoginThrottle() : LoginThrottle(Options{}) {}
  explicit LoginThrottle(Options options) : options_(options) {}

  // How long before a password for `username` from `client` may be checked; zero = now.
  Micros Wait(std::string_view username, std::string_view client, TimePoint now);
  void Failed(std::string_view username, std::string_view client, TimePoint now);
  // Resets the username's count; the address's count stays (one good account must not
  // unlock guessing at others).
  void Succeeded(std::string_view username);

 private:
  struct Entry {
    int failures = 0;
    TimePoint last_failure;
  };
  using Table = std::unordered_map<std::string, Entry>;

  Micros WaitOf(const Table& table, std::string_view key, int threshold, TimePoint now) const;
  void Count(Table& table, std::string_view key, TimePoint now);
  void Forget(Table& table, TimePoint now);

  const Options options_;
  std::mutex mu_;
  Table users_;
  Table clients_;
};

}  // namespace sluice::web
