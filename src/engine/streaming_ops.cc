// Operators that transform each chunk on the pushing thread: filter, project, union.
#include "engine/operators.h"

namespace sluice::engine {

namespace {

class FilterOp : public Operator {
 public:
  FilterOp(std::string name, BoundExprPtr predicate)
      : Operator(std::move(name)), predicate_(std::move(predicate)) {}

  Status Push(int, Chunk chunk) override {
    ASSIGN_OR_RETURN(ColumnPtr keep, Evaluate(*predicate_, chunk));
    std::vector<int64_t> rows;
    rows.reserve(chunk.num_rows);
    for (int64_t i = 0; i < chunk.num_rows; ++i) {
      if (keep->IsValid(i) && keep->b[i]) rows.push_back(i);
    }
    if (static_cast<int64_t>(rows.size()) == chunk.num_rows) return Emit(std::move(chunk));
    Chunk out;
    out.sequence = chunk.sequence;
    out.num_rows = static_cast<int64_t>(rows.size());
    for (const auto& col : chunk.columns) out.columns.push_back(TakeRows(*col, rows));
    return Emit(std::move(out));
  }

 private:
  BoundExprPtr predicate_;
};

class ProjectOp : public Operator {
 public:
  ProjectOp(std::string name, std::vector<BoundExprPtr> exprs)
      : Operator(std::move(name)), exprs_(std::move(exprs)) {}

  Status Push(int, Chunk chunk) override {
    Chunk out;
    out.sequence = chunk.sequence;
    out.num_rows = chunk.num_rows;
    for (const auto& e : exprs_) {
      ASSIGN_OR_RETURN(ColumnPtr col, Evaluate(*e, chunk));
      out.columns.push_back(std::move(col));
    }
    return Emit(std::move(out));
  }

 private:
  std::vector<BoundExprPtr> exprs_;
};

class UnionOp : public Operator {
 public:
  UnionOp(std::string name, int inputs) : Operator(std::move(name), inputs) {}

  Status Push(int input, Chunk chunk) override {
    // Sequences of one input stay below 2^40, so input order wins, then source order.
    chunk.sequence += static_cast<int64_t>(input) << 40;
    return Emit(std::move(chunk));
  }
};

}  // namespace

std::unique_ptr<Operator> MakeFilter(std::string name, BoundExprPtr predicate) {
  return std::make_unique<FilterOp>(std::move(name), std::move(predicate));
}

std::unique_ptr<Operator> MakeProject(std::string name, std::vector<BoundExprPtr> exprs) {
  return std::make_unique<ProjectOp>(std::move(name), std::move(exprs));
}

std::unique_ptr<Operator> MakeUnion(std::string name, int inputs) {
  return std::make_unique<UnionOp>(std::move(name), inputs);
}

}  // namespace sluice::engine
