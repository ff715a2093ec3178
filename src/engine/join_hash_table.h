// The build side of a hash join: the right input's chunks as they arrived, indexed by an
// open-addressing table of slots holding a hash tag and a row reference: 32-bit slots (8-bit
// tag) when the row references fit in 24 bits, else 64-bit ones (16-bit tag); the smaller
// table takes half the cache misses' worth of memory. A single
// short string key is copied into fixed-width slots as each chunk arrives and its column
// dropped: half the memory of views plus bytes, and one cache line per key comparison.
// Dense keys skip the hash table: a single int64 key, or a string key that is one prefix then
// a number (engine/key_numbers.h), whose unique values span a range at most twice the row
// count, index an array of row references directly (a perfect hash): one load per probe,
// no hashing and no key comparison.
#pragma once

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/big_array.h"
#include "common/status.h"
#include "engine/column.h"
#include "engine/hash.h"

namespace sluice::engine {

class JoinHashTable {
 public:
  static constexpr int64_t kBatch = 64;  // probe rows whose memory accesses are overlapped

  explicit JoinHashTable(std::vector<int> keys) : key_cols_(std::move(keys)) {}

  // Takes one chunk of the build side. Thread-safe.
  void Add(Chunk chunk);
  // Indexes every chunk added. Rows with a NULL key are never found.
  Status Build(const std::string& name);

  // One probing thread's record of the build rows it matched, one bit per row. Each thread
  // keeps its own: a shared bitmap would need a locked instruction per match, and a locked
  // instruction stalls the loads that the batch prefetching has in flight.
  using MatchBits = std::vector<uint64_t>;
  MatchBits NewMatchBits() const { return MatchBits((rows_ + 63) / 64, 0); }

  // Whether Build chose the dense array; then probe with DenseRefs, not PrefetchBatch/Probe.
  bool dense() const { return dense_slots_ != nullptr; }
  // The build row matching each probe row in [start, end) (end - start <= kBatch) as a ref, 0
  // where none does; with dense keys a probe row matches at most one build row.
  void DenseRefs(const Column& key, int64_t start, int64_t end, uint64_t* refs) const;
  // Records in *matched that build row `ref` was matched.
  void MarkMatched(uint64_t ref, MatchBits* matched) const {
    int64_t g = Global(ref);
    (*matched)[g >> 6] |= uint64_t{1} << (g & 63);
  }

  // Starts the loads that probing rows [start, end) will need (end - start <= kBatch).
  void PrefetchBatch(const std::vector<uint64_t>& hashes, const std::vector<uint8_t>& nulls,
                     int64_t start, int64_t end) const;

  // Calls on_match(ref) for every build row whose key equals row i of `probe_keys`, until it
  // returns false; marks those rows in *matched. Returns whether any matched. With unique
  // build keys the walk stops at the first match: scanning on to the next empty slot would
  // touch a cache line that nothing prefetched.
  template <typename OnMatch>
  bool Probe(const std::vector<const Column*>& probe_keys, int64_t i, uint64_t hash,
             MatchBits* matched, OnMatch on_match) const {
    uint64_t tag = TagOf(hash);
    bool found = false;
    for (uint64_t s = hash & mask_; SlotAt(s) != 0; s = (s + 1) & mask_) {
      uint64_t entry = SlotAt(s);
      if (EntryTag(entry) != tag) continue;
      uint64_t ref = EntryRef(entry);
      if (!KeyEquals(probe_keys, i, ref)) continue;
      found = true;
      MarkMatched(ref, matched);
      if (!on_match(ref) || unique_keys_) break;
    }
    return found;
  }

  int64_t rows() const { return rows_; }
  // Whether no two build rows share a key (known after Build).
  bool unique_keys() const { return unique_keys_; }
  // Build rows that no bitmap of `all` marks.
  int64_t CountUnmatched(const std::vector<const MatchBits*>& all) const;
  size_t num_chunks() const { return parts_.size(); }
  const Chunk& chunk(size_t c) const { return parts_[c].chunk; }
  static uint64_t RefChunk(uint64_t ref) { return (ref - 1) >> kRowBits; }
  static uint64_t RefRow(uint64_t ref) { return (ref - 1) & ((uint64_t{1} << kRowBits) - 1); }

 private:
  static constexpr int kRowBits = 24;  // rows per chunk < 16M; chunks < 16M
  static constexpr uint64_t kRefMask = (uint64_t{1} << 48) - 1;
  static constexpr size_t kMaxPackedKey = 32;

  static constexpr uint8_t kNullLength = 255;
  static constexpr uint64_t kNarrowRefMask = (uint64_t{1} << 24) - 1;

  // Slot layout: narrow = tag8 << 24 | compact ref, wide = tag16 << 48 | ref48. A compact ref
  // is (part << row_bits_ | row) + 1; a ref48 is MakeRef(part, row). 0 is an empty slot.
  uint64_t SlotAt(uint64_t s) const { return narrow_ ? narrow_slots_[s] : wide_slots_[s]; }
  const void* SlotAddress(uint64_t s) const {
    return narrow_ ? static_cast<const void*>(&narrow_slots_[s]) : &wide_slots_[s];
  }
  uint64_t TagOf(uint64_t hash) const { return narrow_ ? (hash >> 56) << 24 : hash & ~kRefMask; }
  uint64_t EntryTag(uint64_t entry) const {
    return narrow_ ? entry & ~kNarrowRefMask : entry & ~kRefMask;
  }
  uint64_t EntryRef(uint64_t entry) const {
    if (!narrow_) return entry & kRefMask;
    uint64_t compact = (entry & kNarrowRefMask) - 1;
    return MakeRef(compact >> row_bits_, compact & ((uint64_t{1} << row_bits_) - 1));
  }
  uint64_t MakeEntry(uint64_t tag, uint64_t part, uint64_t row) const {
    return narrow_ ? tag | (((part << row_bits_) | row) + 1) : tag | MakeRef(part, row);
  }

  // One chunk of the build side; with a packed or numbered key, its key column is gone.
  struct Part {
    Chunk chunk;
    std::vector<const Column*> keys;     // empty when packed or numbered
    std::string prefix;                  // numbered: every key is prefix + numbers[row]
    std::vector<int64_t> numbers;        // numbered: empty otherwise
    uint32_t stride = 0;                 // packed: bytes per key, 0 = not packed
    std::unique_ptr<char[]> packed;      // rows x stride, zero padded
    std::unique_ptr<uint8_t[]> lengths;  // per row, kNullLength = NULL; absent when every
                                         // key is non-NULL and exactly `stride` long
  };

  static uint64_t MakeRef(uint64_t chunk, uint64_t row) { return ((chunk << kRowBits) | row) + 1; }
  int64_t Global(uint64_t ref) const { return chunk_start_[RefChunk(ref)] + RefRow(ref); }
  bool KeyEquals(const std::vector<const Column*>& probe, int64_t i, uint64_t ref) const {
    const Part& part = parts_[RefChunk(ref)];
    uint64_t r = RefRow(ref);
    if (part.stride == 0) return KeysEqual(probe, i, part.keys, r);
    std::string_view v = probe[0]->StringAt(i);
    return v.size() == KeyLength(part, r) &&
           ShortBytesEqual(v.data(), part.packed.get() + r * part.stride, v.size());
  }
  // memcmp(a, b, n) == 0 for the n <= kMaxPackedKey of packed keys, without a call.
  static bool ShortBytesEqual(const char* a, const char* b, size_t n) {
    if (n >= 8) {  // overlapping 8-byte words cover any length from 8 to 16 (and 32 in two)
      for (size_t off = 0; off + 8 < n; off += 8) {
        if (Load8(a + off) != Load8(b + off)) return false;
      }
      return Load8(a + n - 8) == Load8(b + n - 8);
    }
    for (size_t k = 0; k < n; ++k) {
      if (a[k] != b[k]) return false;
    }
    return true;
  }
  static uint64_t Load8(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  // Whether build rows `ref` and (part, row) have equal keys.
  bool BuildKeysEqual(uint64_t ref, size_t part, int64_t row) const;
  static void Pack(Part* part, int key);
  // Replaces a single string key column whose keys are all prefix + number by the numbers.
  static bool Number(Part* part, int key);
  // Turns a numbered part back into packed keys (the hash table needs the strings).
  static void Unnumber(Part* part);
  // Indexes every row in the dense array when the keys allow it (see the file comment).
  bool TryBuildDense();
  bool FillDense(const std::vector<const int64_t*>& values);
  uint64_t DenseIndex(const Column& key, int64_t i) const;
  static uint32_t KeyLength(const Part& part, uint64_t row) {
    return part.lengths ? part.lengths[row] : part.stride;
  }
  Status Insert(size_t part);
  // Puts `entry` into empty slot s (true), or leaves *current = the entry holding it.
  bool ClaimSlot(uint64_t s, uint64_t entry, uint64_t* current);

  std::vector<int> key_cols_;
  std::mutex mu_;
  std::vector<Part> parts_;
  std::vector<int64_t> chunk_start_;  // global index of each chunk's first row
  int64_t rows_ = 0;
  bool narrow_ = false;
  int row_bits_ = 0;   // bits of a row within its part
  int part_bits_ = 0;  // bits of a part's index
  BigArray<uint32_t> narrow_slots_;
  BigArray<uint64_t> wide_slots_;
  uint64_t mask_ = 0;
  std::atomic<bool> unique_keys_{true};

  // The dense array: slot k holds the compact ref of the row whose key number is
  // dense_min_ + k, 0 when none.
  std::unique_ptr<BigArray<uint32_t>> dense_slots_;
  int64_t dense_min_ = 0;
  bool dense_ints_ = false;  // int64 keys; otherwise numbered strings with dense_prefix_
  std::string dense_prefix_;
};

}  // namespace sluice::engine
