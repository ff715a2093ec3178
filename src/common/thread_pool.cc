#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>

namespace sluice {

int DefaultThreadCount() {
  if (const char* env = std::getenv("SLUICE_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

ThreadPool& ThreadPool::Default() {
  static ThreadPool pool(DefaultThreadCount());
  return pool;
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

namespace {

// Shared by the caller and the helpers of one ParallelFor. A helper that starts after
// the caller has closed the loop leaves at once, so the caller never waits on a helper
// that is still queued behind busy workers.
struct LoopState {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable done;
  int active = 0;
  bool closed = false;
  Status first_error;

  void Run(size_t n, const std::function<Status(size_t)>& fn) {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n || failed.load()) return;
      Status st = fn(i);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failed.exchange(true)) first_error = std::move(st);
      }
    }
  }
};

}  // namespace

Status ThreadPool::ParallelFor(size_t n, const std::function<Status(size_t)>& fn,
                               int max_workers) {
  if (n == 0) return Status::OK();
  int helpers = static_cast<int>(workers_.size());
  if (max_workers > 0) helpers = std::min(helpers, max_workers - 1);
  helpers = static_cast<int>(std::min<size_t>(helpers, n - 1));
  auto state = std::make_shared<LoopState>();
  for (int h = 0; h < helpers; ++h) {
    Submit([state, n, &fn] {
      {
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->closed) return;
        ++state->active;
      }
      state->Run(n, fn);
      std::lock_guard<std::mutex> lock(state->mu);
      if (--state->active == 0) state->done.notify_all();
    });
  }
  state->Run(n, fn);
  std::unique_lock<std::mutex> lock(state->mu);
  state->closed = true;
  state->done.wait(lock, [&] { return state->active == 0; });
  return state->first_error;
}

}  // namespace sluice
