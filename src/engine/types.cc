#include "engine/types.h"

#include <algorithm>
#include <cctype>

namespace sluice::engine {

std::string_view TypeName(TypeId type) {
  switch (type) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt64: return "int64";
    case TypeId::kDouble: return "double";
    case TypeId::kString: return "string";
  }
  return "?";
}

Result<TypeId> ParseTypeName(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "bool" || n == "boolean") return TypeId::kBool;
  if (n == "int64" || n == "int" || n == "long" || n == "bigint" || n == "integer")
    return TypeId::kInt64;
  if (n == "double" || n == "float" || n == "float64") return TypeId::kDouble;
  if (n == "string" || n == "str" || n == "varchar" || n == "text") return TypeId::kString;
  return Status::InvalidArgument("unknown type '" + std::string(name) +
                                 "' (expected string, int64, double or bool)");
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ", ";
    out += f.name + ":" + std::string(TypeName(f.type));
  }
  return out;
}

}  // namespace sluice::engine
