// Hash join: the right input is the build side, kept chunked as it arrived and indexed by
// an open-addressing table of 64-bit slots (16-bit hash tag, 48-bit row reference); the
// left input is streamed through it chunk by chunk, never materialised.
#include <algorithm>
#include <atomic>

#include "common/big_array.h"
#include "common/prefetch.h"
#include "common/thread_pool.h"
#include "engine/hash.h"
#include "engine/operators.h"

namespace sluice::engine {

namespace {

constexpr int kRowBits = 24;  // rows per build chunk < 16M; chunks < 16M
constexpr uint64_t kRefMask = (uint64_t{1} << 48) - 1;
constexpr int64_t kBatch = 64;  // probe rows whose memory accesses are overlapped

uint64_t MakeRef(uint64_t chunk, uint64_t row) { return ((chunk << kRowBits) | row) + 1; }
uint64_t RefChunk(uint64_t ref) { return (ref - 1) >> kRowBits; }
uint64_t RefRow(uint64_t ref) { return (ref - 1) & ((uint64_t{1} << kRowBits) - 1); }

uint64_t NextPowerOfTwo(uint64_t n) {
  uint64_t p = 1024;
  while (p < n) p <<= 1;
  return p;
}

// The build side: its chunks, their key columns, and which rows some probe row matched.
struct BuildSide {
  std::vector<Chunk> chunks;
  std::vector<std::vector<const Column*>> keys;       // per chunk
  std::vector<std::unique_ptr<std::atomic<uint8_t>[]>> matched;  // per chunk, per row
  BigArray<uint64_t> slots;                           // 0 = empty
  uint64_t mask = 0;
};

}  // namespace

class HashJoinOp : public JoinOperator {
 public:
  HashJoinOp(std::string name, JoinType type, std::vector<int> left_keys,
             std::vector<int> right_keys, std::vector<int> right_payload,
             std::vector<TypeId> payload_types)
      : JoinOperator(std::move(name), 2),
        type_(type),
        left_keys_(std::move(left_keys)),
        right_keys_(std::move(right_keys)),
        right_payload_(std::move(right_payload)),
        payload_types_(std::move(payload_types)),
        build_(std::make_shared<BuildSide>()) {}

  Status Push(int input, Chunk chunk) override {
    if (input == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      build_rows_ += chunk.num_rows;
      build_->chunks.push_back(std::move(chunk));
      return Status::OK();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!built_) {  // the probe side arrived first: hold it until the table exists
        waiting_probe_.push_back(std::move(chunk));
        return Status::OK();
      }
    }
    return Probe(chunk);
  }

  JoinStats stats() const override {
    JoinStats s;
    s.rows_out = rows_out();
    s.probe_rows = probe_rows_.load();
    s.probe_unmatched = probe_unmatched_.load();
    s.build_rows = build_rows_;
    s.build_unmatched = build_unmatched_;
    return s;
  }

 private:
  Status OnInputDone(int input) override {
    if (input != 1) return Status::OK();
    RETURN_NOT_OK(Build());
    std::vector<Chunk> waiting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      built_ = true;
      waiting.swap(waiting_probe_);
    }
    for (Chunk& c : waiting) RETURN_NOT_OK(Probe(c));
    return Status::OK();
  }

  Status OnAllInputsDone() override {
    int64_t unmatched = 0;
    for (size_t c = 0; c < build_->chunks.size(); ++c) {
      for (int64_t r = 0; r < build_->chunks[c].num_rows; ++r) {
        unmatched += build_->matched[c][r].load(std::memory_order_relaxed) == 0;
      }
    }
    build_unmatched_ = unmatched;
    return EmitDone();
  }

  Status Build() {
    BuildSide& b = *build_;
    std::sort(b.chunks.begin(), b.chunks.end(),
              [](const Chunk& x, const Chunk& y) { return x.sequence < y.sequence; });
    if (b.chunks.size() >= (size_t{1} << (48 - kRowBits))) {
      return Status::NotSupported(name() + ": build side has too many chunks");
    }
    b.keys.resize(b.chunks.size());
    b.matched.resize(b.chunks.size());
    for (size_t c = 0; c < b.chunks.size(); ++c) {
      if (b.chunks[c].num_rows >= (int64_t{1} << kRowBits)) {
        return Status::NotSupported(name() + ": build chunk too large");
      }
      for (int k : right_keys_) b.keys[c].push_back(b.chunks[c].columns[k].get());
      b.matched[c].reset(new std::atomic<uint8_t>[b.chunks[c].num_rows]());
    }
    b.slots.Reset(NextPowerOfTwo(build_rows_ + build_rows_ / 2));
    b.mask = b.slots.size() - 1;
    return ThreadPool::Default().ParallelFor(b.chunks.size(), [&](size_t c) {
      std::vector<uint64_t> hashes;
      std::vector<uint8_t> nulls;
      HashKeys(b.keys[c], b.chunks[c].num_rows, &hashes, &nulls);
      for (int64_t r = 0; r < b.chunks[c].num_rows; ++r) {
        if (r % kBatch == 0) {  // overlap the cache misses of the next batch's slots
          int64_t end = std::min<int64_t>(b.chunks[c].num_rows, r + kBatch);
          for (int64_t p = r; p < end; ++p) Prefetch(&b.slots[hashes[p] & b.mask]);
        }
        if (nulls[r]) continue;
        uint64_t entry = (hashes[r] & ~kRefMask) | MakeRef(c, r);
        for (uint64_t s = hashes[r] & b.mask;; s = (s + 1) & b.mask) {
          std::atomic_ref<uint64_t> slot(b.slots[s]);
          uint64_t expected = 0;
          if (slot.load(std::memory_order_relaxed) == 0 &&
              slot.compare_exchange_strong(expected, entry, std::memory_order_relaxed)) {
            break;
          }
        }
      }
      return Status::OK();
    });
  }

  Status Probe(const Chunk& chunk) {
    std::vector<const Column*> keys;
    for (int k : left_keys_) keys.push_back(chunk.columns[k].get());
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> nulls;
    HashKeys(keys, chunk.num_rows, &hashes, &nulls);

    std::vector<int64_t> left_rows;
    std::vector<uint64_t> right_refs;
    left_rows.reserve(chunk.num_rows);
    if (type_ == JoinType::kInner || type_ == JoinType::kLeft) right_refs.reserve(chunk.num_rows);
    int64_t unmatched = 0;
    for (int64_t start = 0; start < chunk.num_rows; start += kBatch) {
      int64_t end = std::min<int64_t>(chunk.num_rows, start + kBatch);
      PrefetchBatch(hashes, nulls, start, end);
      for (int64_t i = start; i < end; ++i) {
        bool found = !nulls[i] && ProbeRow(keys, i, hashes[i], &left_rows, &right_refs);
        unmatched += !found;
        if ((type_ == JoinType::kSemi && found) || (type_ == JoinType::kAnti && !found)) {
          left_rows.push_back(i);
        } else if (type_ == JoinType::kLeft && !found) {
          left_rows.push_back(i);
          right_refs.push_back(0);
        }
      }
    }
    probe_rows_.fetch_add(chunk.num_rows, std::memory_order_relaxed);
    probe_unmatched_.fetch_add(unmatched, std::memory_order_relaxed);
    return Emit(Assemble(chunk, left_rows, right_refs));
  }

  // Loads, for a batch of rows, the table slots, then the first candidate's key slot, then
  // the key's bytes: each stage only starts loads whose address the previous stage fetched,
  // so the cache misses of the whole batch overlap instead of being paid one by one.
  void PrefetchBatch(const std::vector<uint64_t>& hashes, const std::vector<uint8_t>& nulls,
                     int64_t start, int64_t end) const {
    const BuildSide& b = *build_;
    uint64_t candidates[kBatch];
    for (int64_t i = start; i < end; ++i) Prefetch(&b.slots[hashes[i] & b.mask]);
    for (int64_t i = start; i < end; ++i) {
      uint64_t& cand = candidates[i - start];
      cand = 0;
      if (nulls[i]) continue;
      uint64_t tag = hashes[i] & ~kRefMask;
      for (uint64_t s = hashes[i] & b.mask; b.slots[s] != 0; s = (s + 1) & b.mask) {
        if ((b.slots[s] & ~kRefMask) != tag) continue;
        cand = b.slots[s] & kRefMask;
        PrefetchValue(*b.keys[RefChunk(cand)][0], RefRow(cand));
        Prefetch(&b.matched[RefChunk(cand)][RefRow(cand)]);
        break;
      }
    }
    for (int64_t i = start; i < end; ++i) {
      uint64_t cand = candidates[i - start];
      if (cand == 0) continue;
      const Column& key = *b.keys[RefChunk(cand)][0];
      if (key.type == TypeId::kString && !key.dict) {
        Prefetch(key.views[RefRow(cand)].data());
      }
    }
  }

  // Starts loading row `row` of `c` (for strings: the view or code, not the bytes).
  static void PrefetchValue(const Column& c, uint64_t row) {
    switch (c.type) {
      case TypeId::kInt64: Prefetch(c.i64.data() + row); break;
      case TypeId::kDouble: Prefetch(c.f64.data() + row); break;
      case TypeId::kBool: Prefetch(c.b.data() + row); break;
      case TypeId::kString:
        if (c.dict) Prefetch(c.codes.data() + row);
        else Prefetch(c.views.data() + row);
        break;
    }
  }

  // Emits the matches of one probe row; returns whether there was any.
  bool ProbeRow(const std::vector<const Column*>& keys, int64_t i, uint64_t hash,
                std::vector<int64_t>* left_rows, std::vector<uint64_t>* right_refs) {
    const BuildSide& b = *build_;
    uint64_t tag = hash & ~kRefMask;
    bool found = false;
    for (uint64_t s = hash & b.mask; b.slots[s] != 0; s = (s + 1) & b.mask) {
      uint64_t entry = b.slots[s];
      if ((entry & ~kRefMask) != tag) continue;
      uint64_t ref = entry & kRefMask;
      uint64_t c = RefChunk(ref), r = RefRow(ref);
      if (!KeysEqual(keys, i, b.keys[c], r)) continue;
      found = true;
      b.matched[c][r].store(1, std::memory_order_relaxed);
      if (type_ == JoinType::kSemi || type_ == JoinType::kAnti) break;
      left_rows->push_back(i);
      right_refs->push_back(ref);
    }
    return found;
  }

  Chunk Assemble(const Chunk& chunk, const std::vector<int64_t>& left_rows,
                 const std::vector<uint64_t>& right_refs) {
    Chunk out;
    out.sequence = chunk.sequence;
    out.num_rows = static_cast<int64_t>(left_rows.size());
    bool identity = out.num_rows == chunk.num_rows;  // every row once, in order
    for (int64_t i = 0; identity && i < out.num_rows; ++i) identity = left_rows[i] == i;
    for (const auto& col : chunk.columns) {
      out.columns.push_back(identity ? col : TakeRows(*col, left_rows));
    }
    if (type_ == JoinType::kInner || type_ == JoinType::kLeft) {
      for (size_t p = 0; p < right_payload_.size(); ++p) {
        out.columns.push_back(GatherBuild(right_payload_[p], payload_types_[p], right_refs));
      }
    }
    return out;
  }

  // Column `col` of the build side at the referenced rows (ref 0 = NULL).
  ColumnPtr GatherBuild(int col, TypeId type, const std::vector<uint64_t>& refs) {
    const BuildSide& b = *build_;
    auto out = std::make_shared<Column>();
    out->type = type;
    out->length = static_cast<int64_t>(refs.size());
    const Dictionary* first_dict = b.chunks.empty() ? nullptr : b.chunks[0].columns[col]->dict.get();
    bool same_dict = first_dict != nullptr;
    for (const auto& c : b.chunks) same_dict &= c.columns[col]->dict.get() == first_dict;
    bool nullable = type_ == JoinType::kLeft;
    for (const auto& c : b.chunks) nullable |= !c.columns[col]->validity.empty();
    if (nullable) out->validity.assign(refs.size(), 1);
    switch (out->type) {
      case TypeId::kInt64: out->i64.assign(refs.size(), 0); break;
      case TypeId::kDouble: out->f64.assign(refs.size(), 0); break;
      case TypeId::kBool: out->b.assign(refs.size(), 0); break;
      case TypeId::kString:
        if (same_dict) {
          out->dict = b.chunks[0].columns[col]->dict;
          out->codes.assign(refs.size(), 0);
        } else {
          out->views.assign(refs.size(), {});
          out->KeepAlive(build_);  // the views point into the build side's chunks
        }
        break;
    }
    constexpr size_t kAhead = 16;
    for (size_t i = 0; i < refs.size(); ++i) {
      if (i + kAhead < refs.size() && refs[i + kAhead] != 0) {
        const Column& next = *b.chunks[RefChunk(refs[i + kAhead])].columns[col];
        PrefetchValue(next, RefRow(refs[i + kAhead]));
      }
      if (refs[i] == 0) {
        out->validity[i] = 0;
        continue;
      }
      const Column& src = *b.chunks[RefChunk(refs[i])].columns[col];
      uint64_t r = RefRow(refs[i]);
      if (nullable && !src.IsValid(r)) {
        out->validity[i] = 0;
        continue;
      }
      switch (out->type) {
        case TypeId::kInt64: out->i64[i] = src.i64[r]; break;
        case TypeId::kDouble: out->f64[i] = src.f64[r]; break;
        case TypeId::kBool: out->b[i] = src.b[r]; break;
        case TypeId::kString:
          if (same_dict) out->codes[i] = src.codes[r];
          else out->views[i] = src.StringAt(r);
          break;
      }
    }
    return out;
  }

  JoinType type_;
  std::vector<int> left_keys_, right_keys_, right_payload_;
  std::vector<TypeId> payload_types_;
  std::shared_ptr<BuildSide> build_;
  std::mutex mu_;
  bool built_ = false;
  std::vector<Chunk> waiting_probe_;
  int64_t build_rows_ = 0;
  int64_t build_unmatched_ = 0;
  std::atomic<int64_t> probe_rows_{0}, probe_unmatched_{0};
};

std::unique_ptr<JoinOperator> MakeHashJoin(std::string name, JoinType type,
                                         std::vector<int> left_keys, std::vector<int> right_keys,
                                         std::vector<int> right_payload,
                                         std::vector<TypeId> payload_types) {
  return std::make_unique<HashJoinOp>(std::move(name), type, std::move(left_keys),
                                      std::move(right_keys), std::move(right_payload),
                                      std::move(payload_types));
}


}  // namespace sluice::engine
