// Options for reading CSV: dialect, schema, projection and what to do with malformed rows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/types.h"

namespace sluice::engine {

// Spark's names for what happens to a malformed row (wrong field count, bad value).
enum class MalformedMode {
  kFailFast,       // stop with an error naming file and line (the default)
  kDropMalformed,  // skip the row, count it
  kPermissive,     // skip the row, count it and record it (line and reason) as a reject
};
Result<MalformedMode> ParseMalformedMode(std::string_view text);  // failfast|dropmalformed|permissive
std::string_view MalformedModeName(MalformedMode mode);

struct CsvReadOptions {
  bool header = true;
  char delimiter = ',';
  char quote = '"';
  // Full ordered schema. Required when header is false; with a header, the header's names
  // must equal these names in order.
  std::vector<Field> schema;
  // Types of some columns by name; every other column is a string. Ignored with `schema`.
  std::map<std::string, TypeId> column_types;
  // Only these columns are materialised, in file order (empty = all). Rows are still
  // checked for their field count.
  std::vector<std::string> columns;
  MalformedMode mode = MalformedMode::kFailFast;
  // Target bytes per parallel block; each block becomes one chunk.
  int64_t block_bytes = 4 << 20;
};

}  // namespace sluice::engine
