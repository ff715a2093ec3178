// Builds a plain string column whose bytes live in one buffer the column keeps alive.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/column.h"

namespace sluice::engine {

class StringColumnBuilder {
 public:
  explicit StringColumnBuilder(int64_t expected_rows = 0);
  void Append(std::string_view s);
  void AppendNull();
  std::shared_ptr<Column> Finish();

 private:
  std::string bytes_;
  std::vector<int64_t> ends_;
  std::vector<uint8_t> validity_;
  bool any_null_ = false;
};

}  // namespace sluice::engine
