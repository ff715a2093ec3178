// How the SQLite metadata store opens its database: lock waits and retries for the several
// processes (scheduler, task processes, CLI, server) that share it.
#pragma once

#include <chrono>

namespace sluice::orchestrator {

struct SqliteOptions {
  // How long SQLite waits for another process's lock before answering busy.
  std::chrono::milliseconds busy_timeout{10000};
  // How many more times a busy statement or BEGIN is tried before the store gives up.
  int busy_retries = 3;
  // Idle connections kept open for reuse; more are opened while threads need them.
  int max_idle_connections = 8;
  bool create_if_missing = true;
};

}  // namespace sluice::orchestrator
