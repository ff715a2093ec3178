#include "web/api_handler_gate.h"

namespace sluice::web::api {

namespace {

constexpr int kConcurrentHandlers = 8;

FairGate& HandlerGate() {
  static auto* gate = new FairGate(kConcurrentHandlers);
  return *gate;
}

}  // namespace

void FairGate::Acquire() {
  std::unique_lock lock(mu_);
  if (free_ > 0 && queue_.empty()) {
    --free_;
    return;
  }
  Waiter me;
  queue_.push_back(&me);
  me.cv.wait(lock, [&me] { return me.admitted; });
}

void FairGate::Release() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) {
    ++free_;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  next->admitted = true;
  next->cv.notify_one();
}

HandlerSlot::HandlerSlot() { HandlerGate().Acquire(); }
HandlerSlot::~HandlerSlot() { HandlerGate().Release(); }

}  // namespace sluice::web::api
