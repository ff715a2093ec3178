// Case-insensitive lookups in header lists.
#include "storage/http_headers.h"

#include <cctype>

namespace sluice::storage {

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name) {
  std::optional<std::string> joined;
  for (const auto& [key, value] : headers) {
    if (!HeaderNameEquals(key, name)) continue;
    joined = joined ? *joined + "," + value : value;
  }
  return joined;
}

}  // namespace sluice::storage
