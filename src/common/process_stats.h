// Facts about this process for run summaries: peak resident memory and wall time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sluice {

// Peak resident set size of this process so far, in bytes.
int64_t PeakRssBytes();

// "1.2 GiB", "340 MiB", "12 KiB", "5 B".
std::string FormatBytes(int64_t bytes);

// "1,234,567".
std::string FormatCount(int64_t n);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace sluice
