// The running form of a plan node. Chunks are pushed into an operator from several threads
// at once; when every producer of an input is done, the operator is told so. An operator
// passes its own output on to all of its consumers (a node read by several is computed once).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/column.h"

namespace sluice::engine {

class Operator {
 public:
  explicit Operator(std::string name, int num_inputs = 1)
      : name_(std::move(name)), inputs_left_(num_inputs) {}
  virtual ~Operator() = default;

  // A chunk from producer `input` (join: 0 = probe/left, 1 = build/right; union: i).
  virtual Status Push(int input, Chunk chunk) = 0;
  // Every producer of `input` is done. Once all inputs are done, OnAllInputsDone runs.
  Status InputDone(int input);

  void AddConsumer(Operator* consumer, int input) { consumers_.push_back({consumer, input}); }
  const std::string& name() const { return name_; }
  int64_t rows_out() const { return rows_out_.load(); }

 protected:
  // Called once per input when that input is done (before OnAllInputsDone for the last).
  virtual Status OnInputDone(int input) { return Status::OK(); }
  // Called once, after the last input is done; must end with EmitDone().
  virtual Status OnAllInputsDone() { return EmitDone(); }
  // Sends a chunk to every consumer.
  Status Emit(Chunk chunk);
  // Tells every consumer that this operator will emit nothing more.
  Status EmitDone();

 private:
  std::string name_;
  std::atomic<int> inputs_left_;
  std::atomic<int64_t> rows_out_{0};
  std::vector<std::pair<Operator*, int>> consumers_;
};

// Per-thread state of an operator, created on a thread's first chunk. Lookups take a lock,
// but only once per chunk, which is tens of thousands of rows.
template <typename T>
class PerThread {
 public:
  template <typename Make>
  T& Get(Make make) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = states_[std::this_thread::get_id()];
    if (!slot) slot = make();
    return *slot;
  }
  // Every state created so far; call only when no thread is pushing any more.
  std::vector<T*> All() {
    std::vector<T*> out;
    for (auto& [id, s] : states_) out.push_back(s.get());
    return out;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<T>> states_;
};

}  // namespace sluice::engine
