// The one shared thread pool of the process: the engine's parallel work runs here.
// ParallelFor lets the caller work too, so nested parallel loops never deadlock.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace sluice {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The process-wide pool; its size is SLUICE_THREADS if set, else the number of cores.
  static ThreadPool& Default();
  // Worker count plus the calling thread: how many tasks can run at once.
  int parallelism() const { return static_cast<int>(workers_.size()) + 1; }

  void Submit(std::function<void()> task);

  // Runs fn(i) for every i in [0, n) on the pool and the caller, at most `max_workers`
  // at once (0 = all). Returns the first error; after one, remaining indexes are skipped.
  Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, int max_workers = 0);

 private:
  void WorkerLoop();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
};

// Threads the engine should use when nothing says otherwise (SLUICE_THREADS or the cores).
int DefaultThreadCount();

}  // namespace sluice
