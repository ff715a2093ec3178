// Hashing of key values for joins and aggregation: fast, well mixed in the low bits
// (tables are indexed by hash & mask) and the high bits (kept as tags).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/column.h"

namespace sluice::engine {

inline uint64_t MixHash(uint64_t x) {
  // A 64-bit finaliser (xor-shift-multiply rounds) so every input bit reaches every output bit.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t HashString(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (s.size() * 0x100000001b3ULL);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x87c37b91114253d5ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x4cf5ad432745937fULL;
  }
  return MixHash(h);
}

inline uint64_t CombineHashes(uint64_t a, uint64_t b) {
  return MixHash(a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

// Hash of the key columns at every row of a chunk. `has_null[i]` is 1 where any key is NULL
// (SQL: such a key equals nothing).
void HashKeys(const std::vector<const Column*>& keys, int64_t rows, std::vector<uint64_t>* hashes,
              std::vector<uint8_t>* has_null);

// Whether row i of `a` equals row j of `b` on every key column (same types, both valid).
bool KeysEqual(const std::vector<const Column*>& a, int64_t i, const std::vector<const Column*>& b,
               int64_t j);

}  // namespace sluice::engine
