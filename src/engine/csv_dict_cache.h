// A per-thread string -> code table in front of a shared Dictionary, tuned for the CSV hot
// path: open addressing keyed by the first and last 8 bytes, so a repeated string of up to
// 16 bytes costs one hash multiply, one probe and two word compares.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/dictionary.h"

namespace sluice::engine {

class CsvDictCache {
 public:
  explicit CsvDictCache(Dictionary* dict);

  // The code of bytes [p, p + n) in the dictionary. The 8 bytes from p must be readable even
  // when n < 8 (CSV buffers carry padding for this).
  __attribute__((always_inline)) uint32_t Intern(const char* p, size_t n) {
    // Branch-free on the length: field lengths vary row by row, so branches on them would
    // mispredict and serialize the lookups of neighbouring fields.
    const uint64_t long_mask = -static_cast<uint64_t>(n > 8);
    const uint64_t word_mask =
        ((uint64_t{1} << (8 * (n & 7))) - 1) | -static_cast<uint64_t>(n >= 8);
    const uint64_t word = Load(p) & word_mask;
    const uint64_t tail = Load(p + ((n - 8) & long_mask)) & long_mask;
    size_t i = Hash(p, n, word, tail) >> shift_;
    for (;;) {
      const Entry& e = slots_[i];
      if (((e.word ^ word) | (e.tail ^ tail) | (e.len ^ n)) == 0 &&
          (n <= 16 || std::string_view(dict_->At(e.code)) == std::string_view(p, n))) {
        return e.code;
      }
      if (e.len == kEmpty) return Insert(i, p, n, word, tail);
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // Up to 16 bytes, word (zero-extended) and tail are the whole string.
  struct Entry {
    uint64_t word = 0;
    uint64_t tail = 0;
    uint32_t len = kEmpty;
    uint32_t code = 0;
  };

  static uint64_t Load(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint64_t Hash(const char* p, size_t n, uint64_t word, uint64_t tail) {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = word ^ ((tail << 29) | (tail >> 35)) ^ (uint64_t{n} << 56);
    for (size_t off = 8; off + 8 < n; off += 8) h = (h ^ Load(p + off)) * kMul;
    return h * kMul;
  }
  uint32_t Insert(size_t slot, const char* p, size_t n, uint64_t word, uint64_t tail);
  void Grow();

  Dictionary* dict_;
  std::vector<Entry> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
  size_t used_ = 0;
};

}  // namespace sluice::engine
