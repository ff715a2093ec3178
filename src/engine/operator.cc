#include "engine/operator.h"

namespace sluice::engine {

Status Operator::InputDone(int input) {
  RETURN_NOT_OK(OnInputDone(input));
  if (inputs_left_.fetch_sub(1) == 1) return OnAllInputsDone();
  return Status::OK();
}

Status Operator::Emit(Chunk chunk) {
  if (chunk.num_rows == 0) return Status::OK();  // consumers never see empty chunks
  rows_out_.fetch_add(chunk.num_rows, std::memory_order_relaxed);
  for (size_t i = 0; i < consumers_.size(); ++i) {
    auto [op, input] = consumers_[i];
    RETURN_NOT_OK(op->Push(input, i + 1 == consumers_.size() ? std::move(chunk) : chunk));
  }
  return Status::OK();
}

Status Operator::EmitDone() {
  for (auto [op, input] : consumers_) RETURN_NOT_OK(op->InputDone(input));
  return Status::OK();
}

}  // namespace sluice::engine
