// Accumulates one output column of one CSV block: typed values, dictionary codes or views
// into the block's string arena, with validity allocated only once a NULL appears.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/column.h"
#include "engine/csv_dict_cache.h"

namespace sluice::engine {

class CsvColumnBuilder {
 public:
  enum class Kind : uint8_t { kInt64, kDouble, kBool, kPlain, kDict };

  // `dict` (string columns only) makes the column dictionary-encoded.
  CsvColumnBuilder(TypeId type, std::shared_ptr<Dictionary> dict);

  Kind kind() const { return kind_; }
  size_t size() const;
  void Reserve(size_t rows);

  void AppendNull();
  // kDict: `s` needs 8 readable bytes (see CsvDictCache::Intern).
  __attribute__((always_inline)) void AppendCode(const char* s, size_t n) {
    if (!validity_.empty()) validity_.push_back(1);
    codes_.push_back(cache_->Intern(s, n));
  }
  // kPlain: `s` points into the arena that the finished column keeps alive.
  __attribute__((always_inline)) void AppendView(const char* s, size_t n) {
    if (!validity_.empty()) validity_.push_back(1);
    views_.emplace_back(s, n);
  }
  // kInt64, kDouble, kBool: false when the text does not convert (nothing is appended).
  bool AppendParsed(std::string_view text);

  // Drops the values after the first `rows`.
  void Truncate(size_t rows);
  // Moves views that pointed into an arena at `old_base` to the same offsets at `new_base`.
  void Rebase(uintptr_t old_base, const char* new_base);
  // The finished column of `rows` values (plain strings keep `arena` alive); the builder is
  // empty afterwards.
  std::shared_ptr<Column> Finish(int64_t rows, const std::shared_ptr<const void>& arena);

 private:
  Kind kind_;
  TypeId type_;
  std::shared_ptr<Dictionary> dict_;
  std::unique_ptr<CsvDictCache> cache_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint8_t> b_;
  std::vector<uint32_t> codes_;
  std::vector<std::string_view> views_;
  std::vector<uint8_t> validity_;
};

}  // namespace sluice::engine
