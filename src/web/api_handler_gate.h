// How many API handlers run at once (private to src/web). httplib gives every kept-alive
// connection a thread of its own, but two cores gain nothing from fifty handlers at once: past
// a few, they queue here in arrival order instead of contending for locks, and the metadata
// store keeps reusing its (8) pooled connections rather than opening one per request.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

namespace sluice::web::api {

// A counting gate that admits waiters in arrival order (std::counting_semaphore may let a
// newcomer overtake, which under load starved some requests for seconds).
class FairGate {
 public:
  explicit FairGate(int slots) : free_(slots) {}
  FairGate(const FairGate&) = delete;
  FairGate& operator=(const FairGate&) = delete;

  void Acquire();
  // Hands the slot straight to the longest waiter, if any.
  void Release();

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  std::mutex mu_;
  int free_;
  std::deque<Waiter*> queue_;
};

// Holds one of the process's API handler slots (8) for its lifetime.
class HandlerSlot {
 public:
  HandlerSlot();
  ~HandlerSlot();
  HandlerSlot(const HandlerSlot&) = delete;
  HandlerSlot& operator=(const HandlerSlot&) = delete;
};

}  // namespace sluice::web::api
