// Time-zone lookups shared by time_util.cc and the cron files; private to common/.
// Wraps Howard Hinnant's date library (OS tz database) so no exception escapes it.
#pragma once

#include <date/tz.h>

#include <string_view>

namespace sluice::internal {

// The IANA zone named `tz`, or nullptr when the database does not know it.
const date::time_zone* FindZone(std::string_view tz);

// Whether `tz` is UTC itself, so callers can skip zone arithmetic.
bool IsUtcName(std::string_view tz);

}  // namespace sluice::internal
