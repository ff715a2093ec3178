// HTTP header lists as the AWS clients pass them around: ordered (name, value) pairs, since
// a name may repeat and SigV4 signs repeated values in order. Names compare case-insensitively.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::storage {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

bool HeaderNameEquals(std::string_view a, std::string_view b);
// The values of every header called `name`, joined with ',' (as HTTP allows); nullopt if none.
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);

}  // namespace sluice::storage
