// Operators that need all of their input first: collect, limit (in source order), sort.
#include <algorithm>
#include <numeric>

#include "engine/operators.h"

namespace sluice::engine {

namespace {

// Gathers pushed chunks under a lock and hands them back in source order.
class ChunkBuffer {
 public:
  void Add(Chunk chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    chunks_.push_back(std::move(chunk));
  }
  std::vector<Chunk> TakeOrdered() {
    std::lock_guard<std::mutex> lock(mu_);
    std::stable_sort(chunks_.begin(), chunks_.end(),
                     [](const Chunk& a, const Chunk& b) { return a.sequence < b.sequence; });
    return std::move(chunks_);
  }

 private:
  std::mutex mu_;
  std::vector<Chunk> chunks_;
};

// One chunk holding `chunks` back to back (num_columns taken from the first).
Chunk Concatenate(std::vector<Chunk> chunks) {
  Table t;
  if (chunks.empty()) return Chunk{};
  t.schema.fields.resize(chunks[0].columns.size());
  t.chunks = std::move(chunks);
  return t.Combine();
}

class LimitOp : public Operator {
 public:
  LimitOp(std::string name, int64_t limit) : Operator(std::move(name)), limit_(limit) {}

  Status Push(int, Chunk chunk) override {
    buffer_.Add(std::move(chunk));
    return Status::OK();
  }

 private:
  Status OnAllInputsDone() override {
    int64_t left = limit_;
    int64_t seq = 0;
    for (Chunk& c : buffer_.TakeOrdered()) {
      if (left <= 0) break;
      if (c.num_rows > left) {
        for (auto& col : c.columns) col = SliceRows(*col, 0, left);
        c.num_rows = left;
      }
      left -= c.num_rows;
      c.sequence = seq++;
      RETURN_NOT_OK(Emit(std::move(c)));
    }
    return EmitDone();
  }

  int64_t limit_;
  ChunkBuffer buffer_;
};

// -1/0/1 comparing valid rows i and j of one column.
int CompareRows(const Column& c, int64_t i, int64_t j) {
  switch (c.type) {
    case TypeId::kInt64: return (c.i64[i] > c.i64[j]) - (c.i64[i] < c.i64[j]);
    case TypeId::kDouble: return (c.f64[i] > c.f64[j]) - (c.f64[i] < c.f64[j]);
    case TypeId::kBool: return (c.b[i] > c.b[j]) - (c.b[i] < c.b[j]);
    case TypeId::kString: {
      if (c.dict && c.codes[i] == c.codes[j]) return 0;
      int r = c.StringAt(i).compare(c.StringAt(j));
      return (r > 0) - (r < 0);
    }
  }
  return 0;
}

class SortOp : public Operator {
 public:
  SortOp(std::string name, std::vector<BoundSortKey> keys)
      : Operator(std::move(name)), keys_(std::move(keys)) {}

  Status Push(int, Chunk chunk) override {
    buffer_.Add(std::move(chunk));
    return Status::OK();
  }

 private:
  Status OnAllInputsDone() override {
    Chunk all = Concatenate(buffer_.TakeOrdered());
    if (all.num_rows == 0) return EmitDone();
    std::vector<ColumnPtr> key_cols;
    for (const auto& k : keys_) {
      ASSIGN_OR_RETURN(ColumnPtr c, Evaluate(*k.expr, all));
      key_cols.push_back(std::move(c));
    }
    std::vector<int64_t> order(all.num_rows);
    std::iota(order.begin(), order.end(), 0);
    // Stable: rows equal on every key keep their source order.
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        const Column& c = *key_cols[k];
        bool va = c.IsValid(a), vb = c.IsValid(b);
        if (va != vb) return keys_[k].nulls_first ? !va : va;
        if (!va) continue;
        int r = CompareRows(c, a, b);
        if (r != 0) return keys_[k].descending ? r > 0 : r < 0;
      }
      return false;
    });
    Chunk out;
    out.num_rows = all.num_rows;
    for (const auto& col : all.columns) out.columns.push_back(TakeRows(*col, order));
    RETURN_NOT_OK(Emit(std::move(out)));
    return EmitDone();
  }

  std::vector<BoundSortKey> keys_;
  ChunkBuffer buffer_;
};

}  // namespace

CollectSink::CollectSink(std::string name, Schema schema) : Operator(std::move(name)) {
  table_.schema = std::move(schema);
}

Status CollectSink::Push(int, Chunk chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  table_.chunks.push_back(std::move(chunk));
  return Status::OK();
}

Status CollectSink::OnAllInputsDone() {
  std::lock_guard<std::mutex> lock(mu_);
  std::stable_sort(table_.chunks.begin(), table_.chunks.end(),
                   [](const Chunk& a, const Chunk& b) { return a.sequence < b.sequence; });
  return EmitDone();
}

Table CollectSink::TakeTable() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(table_);
}

std::unique_ptr<Operator> MakeLimit(std::string name, int64_t limit) {
  return std::make_unique<LimitOp>(std::move(name), limit);
}

std::unique_ptr<Operator> MakeSort(std::string name, std::vector<BoundSortKey> keys) {
  return std::make_unique<SortOp>(std::move(name), std::move(keys));
}

}  // namespace sluice::engine
