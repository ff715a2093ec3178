// A per-thread string -> code table in front of a shared Dictionary, tuned for the CSV hot
// path: open addressing on a cheap word hash, so a repeated short string costs one probe and
// one 8-byte compare instead of a std::hash and a node walk.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/dictionary.h"

namespace sluice::engine {

class CsvDictCache {
 public:
  explicit CsvDictCache(Dictionary* dict);

  // The code of bytes [p, p + n) in the dictionary. The 8 bytes from p must be readable even
  // when n < 8 (CSV buffers carry padding for this).
  uint32_t Intern(const char* p, size_t n) {
    uint64_t word = FirstWord(p, n);
    uint64_t h = Hash(p, n, word);
    size_t i = h >> shift_;
    for (;;) {
      const Entry& e = slots_[i];
      if (e.len == n && e.word == word && (n <= 8 || std::memcmp(e.ptr, p, n) == 0)) {
        return e.code;
      }
      if (e.len == kEmpty) return Insert(i, p, n, word);
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  struct Entry {
    uint64_t word = 0;
    const char* ptr = nullptr;
    uint32_t len = kEmpty;
    uint32_t code = 0;
  };

  static uint64_t Load(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  // The first min(n, 8) bytes, zero-extended (little-endian loads).
  static uint64_t FirstWord(const char* p, size_t n) {
    uint64_t v = Load(p);
    return n >= 8 ? v : v & ((uint64_t{1} << (8 * n)) - 1);
  }
  static uint64_t Hash(const char* p, size_t n, uint64_t word) {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = word ^ (n * 0xFF51AFD7ED558CCDull);
    if (n > 8) {
      for (size_t off = 8; off + 8 < n; off += 8) h = (h ^ Load(p + off)) * kMul;
      h = (h ^ Load(p + n - 8)) * kMul;
    }
    return h * kMul;
  }
  uint32_t Insert(size_t slot, const char* p, size_t n, uint64_t word);
  void Grow();

  Dictionary* dict_;
  std::vector<Entry> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
  size_t used_ = 0;
};

}  // namespace sluice::engine
