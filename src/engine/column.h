// Columnar data in memory: a Column holds one chunk's values of one type with validity;
// a Chunk is a batch of equally long columns. Strings are either dictionary codes into a
// shared Dictionary or views into buffers the column keeps alive.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/dictionary.h"
#include "engine/types.h"

namespace sluice::engine {

struct Column {
  TypeId type = TypeId::kString;
  int64_t length = 0;
  // One byte per row, 1 = valid. Empty means every row is valid.
  std::vector<uint8_t> validity;

  std::vector<int64_t> i64;   // kInt64
  std::vector<double> f64;    // kDouble
  std::vector<uint8_t> b;     // kBool, 0 or 1

  // kString, dictionary-encoded: codes index `dict`.
  std::shared_ptr<Dictionary> dict;
  std::vector<uint32_t> codes;
  // kString, plain: views into `buffers` (or into string literals with static storage).
  std::vector<std::string_view> views;
  std::vector<std::shared_ptr<const void>> buffers;

  bool IsValid(int64_t i) const { return validity.empty() || validity[i] != 0; }
  bool is_dictionary() const { return type == TypeId::kString && dict != nullptr; }
  bool has_nulls() const;
  // The string at row i; only for kString.
  std::string_view StringAt(int64_t i) const { return dict ? dict->At(codes[i]) : views[i]; }
  // Keeps `buffer` alive as long as this column (the bytes its views point into).
  void KeepAlive(std::shared_ptr<const void> buffer) { buffers.push_back(std::move(buffer)); }
  // Bytes held by this column's own vectors (not shared buffers or dictionaries).
  int64_t MemoryBytes() const;
};

using ColumnPtr = std::shared_ptr<const Column>;

// Builders for the common shapes.
std::shared_ptr<Column> MakeInt64Column(std::vector<int64_t> values,
                                        std::vector<uint8_t> validity = {});
std::shared_ptr<Column> MakeDoubleColumn(std::vector<double> values,
                                         std::vector<uint8_t> validity = {});
std::shared_ptr<Column> MakeBoolColumn(std::vector<uint8_t> values,
                                       std::vector<uint8_t> validity = {});
// Copies the strings into a buffer owned by the column.
std::shared_ptr<Column> MakeStringColumn(const std::vector<std::string>& values,
                                         std::vector<uint8_t> validity = {});

// Rows `indices` of `col`, in that order (dictionary columns stay dictionary-encoded).
// An index of -1 produces a null.
std::shared_ptr<Column> TakeRows(const Column& col, const std::vector<int64_t>& indices);
// Rows [offset, offset + length) of `col`.
std::shared_ptr<Column> SliceRows(const Column& col, int64_t offset, int64_t length);
// `cols` one after another; all must have the same type.
std::shared_ptr<Column> ConcatColumns(const std::vector<ColumnPtr>& cols);

struct Chunk {
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;
  // Position of this chunk in its source's order; lets order-sensitive sinks restore it.
  int64_t sequence = 0;
};

// A whole materialised result: a schema and its chunks.
struct Table {
  Schema schema;
  std::vector<Chunk> chunks;

  int64_t num_rows() const;
  // One chunk holding every row (concatenating when there are several).
  Chunk Combine() const;
};

}  // namespace sluice::engine
