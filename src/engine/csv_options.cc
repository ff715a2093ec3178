#include "engine/csv_options.h"

#include <algorithm>
#include <cctype>

namespace sluice::engine {

Result<MalformedMode> ParseMalformedMode(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "failfast") return MalformedMode::kFailFast;
  if (lower == "dropmalformed") return MalformedMode::kDropMalformed;
  if (lower == "permissive") return MalformedMode::kPermissive;
  return Status::InvalidArgument("unknown malformed-row mode '" + std::string(text) +
                                 "' (expected failfast, dropmalformed or permissive)");
}

std::string_view MalformedModeName(MalformedMode mode) {
  switch (mode) {
    case MalformedMode::kFailFast:
      return "failfast";
    case MalformedMode::kDropMalformed:
      return "dropmalformed";
    case MalformedMode::kPermissive:
      return "permissive";
  }
  return "?";
}

}  // namespace sluice::engine
