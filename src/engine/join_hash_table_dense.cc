// The dense side of JoinHashTable: numbering string keys as chunks arrive, choosing and
// filling the direct-indexed array at Build, and probing it.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <climits>

#include "common/prefetch.h"
#include "common/thread_pool.h"
#include "engine/join_hash_table.h"
#include "engine/key_numbers.h"

namespace sluice::engine {

namespace {

constexpr uint64_t kNoSlot = ~uint64_t{0};
// Slots per parallel task when counting the filled ones.
constexpr size_t kCountBlock = size_t{1} << 20;

}  // namespace

bool JoinHashTable::Number(Part* part, int key) {
  const Column& c = *part->chunk.columns[key];
  if (c.type != TypeId::kString || c.length == 0 || c.has_nulls()) return false;
  std::string_view prefix;
  int64_t first = 0;
  if (!SplitPrefixedNumber(c.StringAt(0), &prefix, &first)) return false;
  std::vector<int64_t> numbers(c.length);
  for (int64_t i = 0; i < c.length; ++i) {
    std::string_view s = c.StringAt(i);
    // Longer keys could not be packed again should the dense array not be chosen.
    if (s.size() > kMaxPackedKey || !ParsePrefixedNumber(s, prefix, &numbers[i])) return false;
  }
  part->prefix = std::string(prefix);  // copied: the column holding it goes now
  part->numbers = std::move(numbers);
  part->keys.clear();
  part->chunk.columns[key] = nullptr;
  return true;
}

void JoinHashTable::Unnumber(Part* part) {
  const int64_t n = static_cast<int64_t>(part->numbers.size());
  std::vector<uint8_t> lengths(n);
  size_t longest = 0, shortest = SIZE_MAX;
  char digits[24];
  for (int64_t i = 0; i < n; ++i) {
    size_t d = std::to_chars(digits, digits + sizeof digits, part->numbers[i]).ptr - digits;
    lengths[i] = static_cast<uint8_t>(part->prefix.size() + d);
    longest = std::max<size_t>(longest, lengths[i]);
    shortest = std::min<size_t>(shortest, lengths[i]);
  }
  part->stride = static_cast<uint32_t>(longest);
  part->packed.reset(new char[n * longest]());
  for (int64_t i = 0; i < n; ++i) {
    char* slot = part->packed.get() + i * longest;
    std::memcpy(slot, part->prefix.data(), part->prefix.size());
    std::to_chars(slot + part->prefix.size(), slot + longest, part->numbers[i]);
  }
  if (shortest != longest) {
    part->lengths.reset(new uint8_t[n]);
    std::copy(lengths.begin(), lengths.end(), part->lengths.get());
  }
  part->numbers = {};
}

bool JoinHashTable::TryBuildDense() {
  if (key_cols_.size() != 1 || parts_.empty() || rows_ == 0) return false;
  // Compact refs (part << row_bits_ | row) + 1 must fit the 32-bit slots.
  if (row_bits_ + part_bits_ > 31) return false;
  const Part& first = *std::find_if(parts_.begin(), parts_.end(),
                                    [](const Part& p) { return p.chunk.num_rows > 0; });
  dense_ints_ = first.numbers.empty();
  dense_prefix_ = first.prefix;
  std::vector<const int64_t*> values;
  for (const Part& p : parts_) {
    if (p.chunk.num_rows == 0) {
      values.push_back(nullptr);
    } else if (dense_ints_) {
      if (p.keys.size() != 1 || p.keys[0]->type != TypeId::kInt64) return false;
      values.push_back(p.keys[0]->i64.data());
    } else {
      if (p.numbers.empty() || p.prefix != dense_prefix_) return false;
      values.push_back(p.numbers.data());
    }
  }
  if (!FillDense(values)) {
    dense_slots_.reset();
    return false;
  }
  for (Part& p : parts_) {  // the keys live on as slot positions only
    p.numbers = {};
    p.keys.clear();
    p.chunk.columns[key_cols_[0]] = nullptr;
  }
  return true;
}

bool JoinHashTable::FillDense(const std::vector<const int64_t*>& values) {
  struct Span {
    int64_t min = INT64_MAX, max = INT64_MIN, count = 0;
  };
  auto valid = [&](size_t c, int64_t r) { return !dense_ints_ || parts_[c].keys[0]->IsValid(r); };
  std::vector<Span> spans(parts_.size());
  Status scanned = ThreadPool::Default().ParallelFor(parts_.size(), [&](size_t c) {
    Span& s = spans[c];
    for (int64_t r = 0; r < parts_[c].chunk.num_rows; ++r) {
      if (!valid(c, r)) continue;
      s.min = std::min(s.min, values[c][r]);
      s.max = std::max(s.max, values[c][r]);
      ++s.count;
    }
    return Status::OK();
  });
  Span all;
  for (const Span& s : spans) {
    all.min = std::min(all.min, s.min);
    all.max = std::max(all.max, s.max);
    all.count += s.count;
  }
  if (!scanned.ok() || all.count == 0) return false;
  // At least half the slots hold a row: the array is then no larger than the hash table.
  // span = range - 1: keys from INT64_MIN to INT64_MAX would wrap the range itself to 0.
  uint64_t span = static_cast<uint64_t>(all.max) - static_cast<uint64_t>(all.min);
  if (span >= static_cast<uint64_t>(all.count) * 2 + 1024) return false;
  uint64_t range = span + 1;
  dense_min_ = all.min;
  dense_slots_ = std::make_unique<BigArray<uint32_t>>(range);
  BigArray<uint32_t>& slots = *dense_slots_;
  Status filled = ThreadPool::Default().ParallelFor(parts_.size(), [&](size_t c) {
    for (int64_t r = 0; r < parts_[c].chunk.num_rows; ++r) {
      if (!valid(c, r)) continue;
      uint64_t k = static_cast<uint64_t>(values[c][r]) - static_cast<uint64_t>(dense_min_);
      // Plain stores (no locked instruction): duplicates are found by counting below.
      std::atomic_ref<uint32_t>(slots[k]).store(
          static_cast<uint32_t>(((uint64_t{c} << row_bits_) | r) + 1), std::memory_order_relaxed);
    }
    return Status::OK();
  });
  std::atomic<int64_t> used{0};
  Status counted =
      ThreadPool::Default().ParallelFor((range + kCountBlock - 1) / kCountBlock, [&](size_t b) {
        int64_t n = 0;
        for (size_t k = b * kCountBlock; k < std::min<size_t>(range, (b + 1) * kCountBlock); ++k) {
          n += slots[k] != 0;
        }
        used.fetch_add(n, std::memory_order_relaxed);
        return Status::OK();
      });
  // Two rows with one key share a slot, so fewer slots than rows are in use.
  return filled.ok() && counted.ok() && used.load() == all.count;
}

uint64_t JoinHashTable::DenseIndex(const Column& key, int64_t i) const {
  if (!key.IsValid(i)) return kNoSlot;
  int64_t number = 0;
  if (dense_ints_) {
    if (key.type != TypeId::kInt64) return kNoSlot;
    number = key.i64[i];
  } else if (key.type != TypeId::kString ||
             !ParsePrefixedNumber(key.StringAt(i), dense_prefix_, &number)) {
    return kNoSlot;  // not prefix + number: equal to no build key
  }
  uint64_t k = static_cast<uint64_t>(number) - static_cast<uint64_t>(dense_min_);
  return k < dense_slots_->size() ? k : kNoSlot;
}

void JoinHashTable::DenseRefs(const Column& key, int64_t start, int64_t end, uint64_t* refs) const {
  uint64_t slot[kBatch];
  for (int64_t i = start; i < end; ++i) {
    slot[i - start] = DenseIndex(key, i);
    if (slot[i - start] != kNoSlot) Prefetch(&(*dense_slots_)[slot[i - start]]);
  }
  const uint64_t row_mask = (uint64_t{1} << row_bits_) - 1;
  for (int64_t i = start; i < end; ++i) {
    uint64_t k = slot[i - start];
    uint32_t compact = k == kNoSlot ? 0 : (*dense_slots_)[k];
    refs[i - start] =
        compact == 0 ? 0 : MakeRef((compact - 1) >> row_bits_, (compact - 1) & row_mask);
  }
}

}  // namespace sluice::engine
