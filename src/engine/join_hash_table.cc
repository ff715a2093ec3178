#include "engine/join_hash_table.h"

#include <algorithm>
#include <cstring>

#include "common/prefetch.h"
#include "common/thread_pool.h"
#include "engine/hash.h"

namespace sluice::engine {

namespace {

constexpr int64_t kInsertAhead = 16;

// Bits needed to hold the values 0 .. n-1.
int BitsFor(int64_t n) {
  int bits = 0;
  while ((int64_t{1} << bits) < n) ++bits;
  return bits;
}

uint64_t NextPowerOfTwo(uint64_t n) {
  uint64_t p = 1024;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

void JoinHashTable::Pack(Part* part, int key) {
  const Column& c = *part->chunk.columns[key];
  if (c.type != TypeId::kString || c.dict) return;
  size_t longest = 0, shortest = SIZE_MAX;
  for (int64_t i = 0; i < c.length; ++i) {
    if (!c.IsValid(i)) {
      shortest = 0;
      continue;
    }
    longest = std::max(longest, c.views[i].size());
    shortest = std::min(shortest, c.views[i].size());
  }
  if (longest == 0 || longest > kMaxPackedKey) return;
  part->stride = static_cast<uint32_t>(longest);
  part->packed.reset(new char[c.length * longest]);  // zeroed below only where keys are short
  if (shortest != longest) part->lengths.reset(new uint8_t[c.length]);
  for (int64_t i = 0; i < c.length; ++i) {
    char* slot = part->packed.get() + i * longest;
    if (!c.IsValid(i)) {
      part->lengths[i] = kNullLength;
      continue;
    }
    std::memcpy(slot, c.views[i].data(), c.views[i].size());
    if (part->lengths) {
      std::memset(slot + c.views[i].size(), 0, longest - c.views[i].size());
      part->lengths[i] = static_cast<uint8_t>(c.views[i].size());
    }
  }
  part->keys.clear();
  part->chunk.columns[key] = nullptr;  // not a payload column: its views and bytes go now
}

void JoinHashTable::Add(Chunk chunk) {
  Part part;
  part.chunk = std::move(chunk);
  for (int k : key_cols_) part.keys.push_back(part.chunk.columns[k].get());
  if (key_cols_.size() == 1 && !Number(&part, key_cols_[0])) Pack(&part, key_cols_[0]);
  std::lock_guard<std::mutex> lock(mu_);
  parts_.push_back(std::move(part));
}

Status JoinHashTable::Build(const std::string& name) {
  std::sort(parts_.begin(), parts_.end(),
            [](const Part& x, const Part& y) { return x.chunk.sequence < y.chunk.sequence; });
  if (parts_.size() >= (size_t{1} << (48 - kRowBits))) {
    return Status::NotSupported(name + ": the build side has too many chunks");
  }
  for (const Part& p : parts_) {
    if (p.chunk.num_rows >= (int64_t{1} << kRowBits)) {
      return Status::NotSupported(name + ": a build chunk has too many rows");
    }
    chunk_start_.push_back(rows_);
    rows_ += p.chunk.num_rows;
  }
  int64_t max_part_rows = 1;
  for (const Part& p : parts_) max_part_rows = std::max(max_part_rows, p.chunk.num_rows);
  row_bits_ = BitsFor(max_part_rows);
  part_bits_ = BitsFor(static_cast<int64_t>(parts_.size()));
  if (TryBuildDense()) return Status::OK();
  RETURN_NOT_OK(ThreadPool::Default().ParallelFor(parts_.size(), [&](size_t c) {
    if (!parts_[c].numbers.empty()) Unnumber(&parts_[c]);
    return Status::OK();
  }));
  narrow_ = row_bits_ + part_bits_ <= 24;
  uint64_t capacity = NextPowerOfTwo(rows_ + rows_ / 2);
  if (narrow_) {
    narrow_slots_.Reset(capacity);
  } else {
    wide_slots_.Reset(capacity);
  }
  mask_ = capacity - 1;
  return ThreadPool::Default().ParallelFor(parts_.size(), [&](size_t c) { return Insert(c); });
}

inline bool JoinHashTable::ClaimSlot(uint64_t s, uint64_t entry, uint64_t* current) {
  if (narrow_) {
    std::atomic_ref<uint32_t> slot(narrow_slots_[s]);
    uint32_t seen = slot.load(std::memory_order_relaxed);
    bool won = seen == 0 && slot.compare_exchange_strong(seen, static_cast<uint32_t>(entry),
                                                         std::memory_order_relaxed);
    *current = seen;
    return won;
  }
  std::atomic_ref<uint64_t> slot(wide_slots_[s]);
  uint64_t seen = slot.load(std::memory_order_relaxed);
  bool won = seen == 0 && slot.compare_exchange_strong(seen, entry, std::memory_order_relaxed);
  *current = seen;
  return won;
}

Status JoinHashTable::Insert(size_t c) {
  const Part& part = parts_[c];
  int64_t n = part.chunk.num_rows;
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> nulls;
  if (part.stride > 0) {  // the same hash as HashKeys gives the probe side's string
    hashes.resize(n);
    nulls.resize(n);
    for (int64_t r = 0; r < n; ++r) {
      uint32_t length = KeyLength(part, r);
      nulls[r] = length == kNullLength;
      if (!nulls[r]) {
        hashes[r] = HashString(std::string_view(part.packed.get() + r * part.stride, length));
      }
    }
  } else {
    HashKeys(part.keys, n, &hashes, &nulls);
  }
  for (int64_t r = 0; r < n; ++r) {
    // A rolling distance keeps a few misses in flight without exhausting the fill buffers.
    if (r + kInsertAhead < n) Prefetch(SlotAddress(hashes[r + kInsertAhead] & mask_));
    if (nulls[r]) continue;
    uint64_t tag = TagOf(hashes[r]);
    uint64_t entry = MakeEntry(tag, c, r);
    for (uint64_t s = hashes[r] & mask_;; s = (s + 1) & mask_) {
      uint64_t current = 0;
      if (ClaimSlot(s, entry, &current)) break;
      // `current` is the entry that holds this slot. Of two equal keys, the one placed
      // later walks past the other (or loses the slot to it), so duplicates are always seen.
      if (EntryTag(current) == tag && unique_keys_.load(std::memory_order_relaxed) &&
          BuildKeysEqual(EntryRef(current), c, r)) {
        unique_keys_.store(false, std::memory_order_relaxed);
      }
    }
  }
  return Status::OK();
}

bool JoinHashTable::BuildKeysEqual(uint64_t ref, size_t part, int64_t row) const {
  const Part& a = parts_[RefChunk(ref)];
  const Part& b = parts_[part];
  uint64_t ra = RefRow(ref);
  if (a.stride > 0 && b.stride > 0) {
    return KeyLength(a, ra) == KeyLength(b, row) &&
           std::memcmp(a.packed.get() + ra * a.stride, b.packed.get() + row * b.stride,
                       KeyLength(a, ra)) == 0;
  }
  if (a.stride > 0 || b.stride > 0) {  // one chunk packed, the other not: compare as strings
    const Part& packed = a.stride > 0 ? a : b;
    uint64_t pr = a.stride > 0 ? ra : row;
    const Part& plain = a.stride > 0 ? b : a;
    uint64_t lr = a.stride > 0 ? row : ra;
    std::string_view v = plain.keys[0]->StringAt(lr);
    return v.size() == KeyLength(packed, pr) &&
           std::memcmp(v.data(), packed.packed.get() + pr * packed.stride, v.size()) == 0;
  }
  return KeysEqual(a.keys, ra, b.keys, row);
}

void JoinHashTable::PrefetchBatch(const std::vector<uint64_t>& hashes,
                                  const std::vector<uint8_t>& nulls, int64_t start,
                                  int64_t end) const {
  // Stage by stage: each stage only starts loads whose address the previous stage fetched.
  uint64_t candidates[kBatch];
  for (int64_t i = start; i < end; ++i) Prefetch(SlotAddress(hashes[i] & mask_));
  for (int64_t i = start; i < end; ++i) {
    uint64_t& cand = candidates[i - start];
    cand = 0;
    if (nulls[i]) continue;
    uint64_t tag = TagOf(hashes[i]);
    for (uint64_t s = hashes[i] & mask_; SlotAt(s) != 0; s = (s + 1) & mask_) {
      if (EntryTag(SlotAt(s)) != tag) continue;
      cand = EntryRef(SlotAt(s));
      const Part& part = parts_[RefChunk(cand)];
      uint64_t r = RefRow(cand);
      if (part.stride > 0) {
        Prefetch(part.packed.get() + r * part.stride);
        if (part.lengths) Prefetch(part.lengths.get() + r);
      } else if (part.keys[0]->type == TypeId::kString && !part.keys[0]->dict) {
        Prefetch(part.keys[0]->views.data() + r);
      }
      break;
    }
  }
  for (int64_t i = start; i < end; ++i) {
    uint64_t cand = candidates[i - start];
    if (cand == 0) continue;
    const Part& part = parts_[RefChunk(cand)];
    if (part.stride > 0) continue;
    const Column& k = *part.keys[0];
    if (k.type == TypeId::kString && !k.dict) Prefetch(k.views[RefRow(cand)].data());
  }
}

int64_t JoinHashTable::CountUnmatched(const std::vector<const MatchBits*>& all) const {
  int64_t matched = 0;
  for (size_t w = 0; w < static_cast<size_t>((rows_ + 63) / 64); ++w) {
    uint64_t bits = 0;
    for (const MatchBits* m : all) bits |= (*m)[w];
    matched += __builtin_popcountll(bits);
  }
  return rows_ - matched;
}

}  // namespace sluice::engine
