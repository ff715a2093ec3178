// A progress line for long work on a terminal: bytes, rows, rate and ETA, redrawn in place.
// Silent when stderr is not a terminal, so logs and pipes stay clean.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace sluice {

class ProgressBar {
 public:
  // `label` names the work ("reading inputs"); `total_bytes` may be 0 when unknown.
  ProgressBar(std::string label, int64_t total_bytes);
  ~ProgressBar();

  void AddBytes(int64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  void AddRows(int64_t n) { rows_.fetch_add(n, std::memory_order_relaxed); }
  void AddTotalBytes(int64_t n) { total_.fetch_add(n, std::memory_order_relaxed); }
  // Starts a new stage: its label, and a row count from zero.
  void SetLabel(std::string label);
  // Clears the line; further updates are ignored.
  void Finish();

  // Whether a bar would be drawn (stderr is a terminal and SLUICE_NO_PROGRESS is unset).
  static bool Enabled();

 private:
  void Draw();
  void Loop();

  std::string label_;
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> rows_{0};
  std::atomic<int64_t> total_;
  bool enabled_;
  bool finished_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread drawer_;
  double started_;
};

}  // namespace sluice
