#include "engine/string_builder.h"

namespace sluice::engine {

StringColumnBuilder::StringColumnBuilder(int64_t expected_rows) {
  ends_.reserve(expected_rows);
  validity_.reserve(expected_rows);
}

void StringColumnBuilder::Append(std::string_view s) {
  bytes_.append(s);
  ends_.push_back(static_cast<int64_t>(bytes_.size()));
  validity_.push_back(1);
}

void StringColumnBuilder::AppendNull() {
  ends_.push_back(static_cast<int64_t>(bytes_.size()));
  validity_.push_back(0);
  any_null_ = true;
}

std::shared_ptr<Column> StringColumnBuilder::Finish() {
  auto col = std::make_shared<Column>();
  col->type = TypeId::kString;
  col->length = static_cast<int64_t>(ends_.size());
  // Views are made only now: appending could have moved the bytes before.
  auto owned = std::make_shared<std::string>(std::move(bytes_));
  col->views.resize(ends_.size());
  int64_t start = 0;
  for (size_t i = 0; i < ends_.size(); ++i) {
    col->views[i] = std::string_view(owned->data() + start, ends_[i] - start);
    start = ends_[i];
  }
  col->KeepAlive(owned);
  if (any_null_) col->validity = std::move(validity_);
  return col;
}

}  // namespace sluice::engine
