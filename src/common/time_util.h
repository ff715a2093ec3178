// Time points, durations and their text forms as Airflow writes them (ISO 8601, UTC unless
// a time zone is named). Every instant in Sluice is a TimePoint: microseconds since the epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

using Micros = std::chrono::microseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Micros>;

TimePoint Now();

// Accepts "2026-11-01" (midnight), "2026-11-01T06:30", "2026-11-01 06:30:00",
// "2026-11-01T06:30:00.123456Z", and offsets "+02:00"/"+0200". Without an offset the text is
// read in `tz` (an IANA name such as "Europe/Paris"; "UTC" by default).
Result<TimePoint> ParseTimePoint(std::string_view text, std::string_view tz = "UTC");
// "2026-11-01T06:30:00+00:00" (Airflow's ts); fractional seconds only when non-zero.
std::string FormatIso8601(TimePoint t);
// "2026-11-01" and "20261101" (Airflow's ds and ds_nodash), in UTC.
std::string FormatDate(TimePoint t);
std::string FormatDateNoDash(TimePoint t);

// "30s", "5m", "2h", "1d", "1h30m", or a plain number of seconds ("90", "1.5").
Result<Micros> ParseDuration(std::string_view text);
// "1h 30m 5s"-style text for messages.
std::string FormatDuration(Micros d);

// Whether `tz` names a known time zone (IANA database), with a message naming it if not.
Status CheckTimeZone(std::string_view tz);

}  // namespace sluice
