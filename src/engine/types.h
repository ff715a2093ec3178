// Logical column types of the engine and their names in job specs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::engine {

enum class TypeId : uint8_t { kBool, kInt64, kDouble, kString };

// "bool", "int64", "double", "string".
std::string_view TypeName(TypeId type);
// Accepts the names above plus the aliases int, long, bigint, float, float64, boolean, str.
Result<TypeId> ParseTypeName(std::string_view name);

struct Field {
  std::string name;
  TypeId type = TypeId::kString;
};

// Column names and types of a table or a stream of chunks.
struct Schema {
  std::vector<Field> fields;

  int size() const { return static_cast<int>(fields.size()); }
  // Index of the column called `name`, or -1.
  int IndexOf(std::string_view name) const;
  // "jobId:string, salary:int64"
  std::string ToString() const;
};

}  // namespace sluice::engine
