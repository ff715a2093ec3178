// Hash join: the right input is collected into a JoinHashTable when it is done; the left
// input is streamed through it chunk by chunk, never materialised.
#include <algorithm>

#include "common/prefetch.h"
#include "engine/hash.h"
#include "engine/join_hash_table.h"
#include "engine/operators.h"

namespace sluice::engine {

namespace {

constexpr int64_t kBatch = JoinHashTable::kBatch;

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
        table_(std::make_shared<JoinHashTable>(right_keys_)) {}

  Status Push(int input, Chunk chunk) override {
    if (input == 1) {
      table_->Add(std::move(chunk));
      return Status::OK();
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (!built_) {  // the probe side arrived first: hold it until the table exists
      waiting_probe_.push_back(std::move(chunk));
      return Status::OK();
    }
    lock.unlock();
    return Probe(chunk);
  }

  JoinStats stats() const override {
    JoinStats s;
    s.rows_out = rows_out();
    s.probe_rows = probe_rows_.load();
    s.probe_unmatched = probe_unmatched_.load();
    s.build_rows = table_->rows();
    s.build_unmatched = build_unmatched_;
    return s;
  }

 private:
  Status OnInputDone(int input) override {
    if (input != 1) return Status::OK();
    RETURN_NOT_OK(table_->Build(name()));
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
    std::vector<const JoinHashTable::MatchBits*> all;
    for (ProbeState* st : states_.All()) all.push_back(&st->matched);
    build_unmatched_ = table_->CountUnmatched(all);
    return EmitDone();
  }

  bool emits_build_rows() const { return type_ == JoinType::kInner || type_ == JoinType::kLeft; }

  Status Probe(const Chunk& chunk) {
    ProbeState& st = states_.Get([this] {
      auto s = std::make_unique<ProbeState>();
      s->matched = table_->NewMatchBits();
      return s;
    });
    std::vector<const Column*> keys;
    for (int k : left_keys_) keys.push_back(chunk.columns[k].get());
    const bool dense = table_->dense();
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> nulls;
    if (!dense) HashKeys(keys, chunk.num_rows, &hashes, &nulls);

    std::vector<int64_t> left_rows;
    std::vector<uint64_t> right_refs;
    left_rows.reserve(chunk.num_rows);
    if (emits_build_rows()) right_refs.reserve(chunk.num_rows);
    auto on_match = [&](int64_t i, uint64_t ref) {
      if (emits_build_rows()) {
        left_rows.push_back(i);
        right_refs.push_back(ref);
      }
      return true;
    };
    int64_t unmatched = 0;
    uint64_t dense_refs[kBatch];
    for (int64_t start = 0; start < chunk.num_rows; start += kBatch) {
      int64_t end = std::min<int64_t>(chunk.num_rows, start + kBatch);
      if (dense) {
        table_->DenseRefs(*keys[0], start, end, dense_refs);
      } else {
        table_->PrefetchBatch(hashes, nulls, start, end);
      }
      for (int64_t i = start; i < end; ++i) {
        bool found;
        if (dense) {
          uint64_t ref = dense_refs[i - start];
          found = ref != 0;
          if (found) {
            table_->MarkMatched(ref, &st.matched);
            on_match(i, ref);
          }
        } else {
          // Semi and anti joins need one match to decide, but walk on so that every matching
          // build row counts as matched in the summary.
          found = !nulls[i] && table_->Probe(keys, i, hashes[i], &st.matched,
                                             [&](uint64_t ref) { return on_match(i, ref); });
        }
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
    if (emits_build_rows()) {
      for (size_t p = 0; p < right_payload_.size(); ++p) {
        out.columns.push_back(GatherBuild(right_payload_[p], payload_types_[p], right_refs));
      }
    }
    return out;
  }

  // Column `col` of the build side at the referenced rows (ref 0 = NULL).
  ColumnPtr GatherBuild(int col, TypeId type, const std::vector<uint64_t>& refs) {
    const JoinHashTable& t = *table_;
    auto out = std::make_shared<Column>();
    out->type = type;
    out->length = static_cast<int64_t>(refs.size());
    const Dictionary* first_dict =
        t.num_chunks() == 0 ? nullptr : t.chunk(0).columns[col]->dict.get();
    bool same_dict = first_dict != nullptr;
    bool nullable = type_ == JoinType::kLeft;
    for (size_t c = 0; c < t.num_chunks(); ++c) {
      same_dict &= t.chunk(c).columns[col]->dict.get() == first_dict;
      nullable |= !t.chunk(c).columns[col]->validity.empty();
    }
    if (nullable) out->validity.assign(refs.size(), 1);
    switch (type) {
      case TypeId::kInt64:
        out->i64.assign(refs.size(), 0);
        break;
      case TypeId::kDouble:
        out->f64.assign(refs.size(), 0);
        break;
      case TypeId::kBool:
        out->b.assign(refs.size(), 0);
        break;
      case TypeId::kString:
        if (same_dict) {
          out->dict = t.chunk(0).columns[col]->dict;
          out->codes.assign(refs.size(), 0);
        } else {
          out->views.assign(refs.size(), {});
          out->KeepAlive(table_);  // the views point into the build side's chunks
        }
        break;
    }
    constexpr size_t kAhead = 16;
    for (size_t i = 0; i < refs.size(); ++i) {
      if (i + kAhead < refs.size() && refs[i + kAhead] != 0) {
        uint64_t next = refs[i + kAhead];
        PrefetchRow(*t.chunk(JoinHashTable::RefChunk(next)).columns[col],
                    JoinHashTable::RefRow(next));
      }
      if (refs[i] == 0) {
        out->validity[i] = 0;
        continue;
      }
      const Column& src = *t.chunk(JoinHashTable::RefChunk(refs[i])).columns[col];
      uint64_t r = JoinHashTable::RefRow(refs[i]);
      if (nullable && !src.IsValid(r)) {
        out->validity[i] = 0;
        continue;
      }
      switch (type) {
        case TypeId::kInt64:
          out->i64[i] = src.i64[r];
          break;
        case TypeId::kDouble:
          out->f64[i] = src.f64[r];
          break;
        case TypeId::kBool:
          out->b[i] = src.b[r];
          break;
        case TypeId::kString:
          if (same_dict)
            out->codes[i] = src.codes[r];
          else
            out->views[i] = src.StringAt(r);
          break;
      }
    }
    return out;
  }

  static void PrefetchRow(const Column& c, uint64_t row) {
    switch (c.type) {
      case TypeId::kInt64:
        Prefetch(c.i64.data() + row);
        break;
      case TypeId::kDouble:
        Prefetch(c.f64.data() + row);
        break;
      case TypeId::kBool:
        Prefetch(c.b.data() + row);
        break;
      case TypeId::kString:
        Prefetch(c.dict ? static_cast<const void*>(c.codes.data() + row)
                        : static_cast<const void*>(c.views.data() + row));
        break;
    }
  }

  // What one probing thread keeps: the build rows it matched.
  struct ProbeState {
    JoinHashTable::MatchBits matched;
  };

  JoinType type_;
  std::vector<int> left_keys_, right_keys_, right_payload_;
  std::vector<TypeId> payload_types_;
  std::shared_ptr<JoinHashTable> table_;
  std::mutex mu_;
  bool built_ = false;
  std::vector<Chunk> waiting_probe_;
  int64_t build_unmatched_ = 0;
  std::atomic<int64_t> probe_rows_{0}, probe_unmatched_{0};
  PerThread<ProbeState> states_;
};

}  // namespace

std::unique_ptr<JoinOperator> MakeHashJoin(std::string name, JoinType type,
                                           std::vector<int> left_keys, std::vector<int> right_keys,
                                           std::vector<int> right_payload,
                                           std::vector<TypeId> payload_types) {
  return std::make_unique<HashJoinOp>(std::move(name), type, std::move(left_keys),
                                      std::move(right_keys), std::move(right_payload),
                                      std::move(payload_types));
}

}  // namespace sluice::engine
