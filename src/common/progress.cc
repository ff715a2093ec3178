#include "common/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "common/process_stats.h"

namespace sluice {

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

bool ProgressBar::Enabled() {
  return isatty(STDERR_FILENO) && std::getenv("SLUICE_NO_PROGRESS") == nullptr;
}

ProgressBar::ProgressBar(std::string label, int64_t total_bytes)
    : label_(std::move(label)), total_(total_bytes), enabled_(Enabled()), started_(Now()) {
  // The drawer is a display thread, not engine work, so it lives outside the pool.
  if (enabled_) drawer_ = std::thread([this] { Loop(); });
}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::SetLabel(std::string label) {
  std::lock_guard<std::mutex> lock(mu_);
  label_ = std::move(label);
  rows_.store(0);  // rows count per stage (per input); bytes add up towards the total
}

void ProgressBar::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
  }
  cv_.notify_all();
  if (drawer_.joinable()) {
    drawer_.join();
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

void ProgressBar::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!finished_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (!finished_) Draw();
  }
}

void ProgressBar::Draw() {
  int64_t bytes = bytes_.load(), total = total_.load(), rows = rows_.load();
  double elapsed = Now() - started_;
  double rate = elapsed > 0 ? bytes / elapsed : 0;
  std::string line = label_ + "  " + FormatCount(rows) + " rows  " + FormatBytes(bytes);
  if (total > 0) {
    double frac = std::min(1.0, static_cast<double>(bytes) / total);
    int width = 24, filled = static_cast<int>(frac * width);
    line += " / " + FormatBytes(total) + "  [" + std::string(filled, '#') +
            std::string(width - filled, '.') + "] " + std::to_string(int(frac * 100)) + "%";
    if (rate > 0 && bytes < total) {
      line += "  ETA " + std::to_string(static_cast<int>((total - bytes) / rate + 0.5)) + "s";
    }
  }
  line += "  " + FormatBytes(static_cast<int64_t>(rate)) + "/s";
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace sluice
