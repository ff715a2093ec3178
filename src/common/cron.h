// Schedules (design.md §3): 5-field cron expressions and Airflow's presets, evaluated in a
// time zone, and the data-interval timetable built on them (a run for [start, end) is due at
// end; its logical date is start).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"

namespace date {
class time_zone;
}  // namespace date

namespace sluice {

// A parsed 5-field cron expression: minute hour day-of-month month day-of-week, with lists,
// ranges, steps, month and weekday names (JAN..DEC, SUN..SAT; 0 and 7 are Sunday). When both
// day fields are restricted, a day matching either fires (Vixie cron).
//
// Ticks are wall-clock times in the expression's time zone, with Airflow 2's handling of
// daylight-saving jumps (CronMixin, and make_aware with fold=1): a wall time skipped by a
// spring-forward jump fires with the offset in force before the jump (02:30 fires at 03:30
// after a 02:00 -> 03:00 jump); a wall time repeated by a fall-back jump fires once, at its
// second occurrence. An expression that fires in every hour (hour field covering 0-23) instead
// fires at both occurrences of a repeated hour and never in a skipped one, as Airflow's
// "fold hour" workaround does. (The OS tz database carries no rules past 2037.)
class CronExpression {
 public:
  // Errors say which field is wrong and why ("day-of-month: 32 is out of range 1-31").
  static Result<CronExpression> Parse(std::string_view text, std::string_view tz = "UTC");
  // The first tick strictly after `after` (TimePoint::max() if none within 400 years, which
  // Parse makes impossible).
  TimePoint Next(TimePoint after) const;
  // The last tick at or before `at` (TimePoint::min() if none within 400 years).
  TimePoint PrevOrEqual(TimePoint at) const;
  const std::string& text() const { return text_; }
  const std::string& tz() const { return tz_; }

 private:
  // Matching wall-clock minutes, counted from 1970-01-01T00:00 local time. Never-matching
  // searches (impossible once Parse has accepted the expression) return kNoMinute.
  static constexpr int64_t kNoMinute = INT64_MIN;
  int64_t NextWallMinute(int64_t after) const;      // first match > after
  int64_t PrevOrEqualWallMinute(int64_t at) const;  // last match <= at
  bool DayMatches(int64_t local_day) const;
  bool EveryHour() const { return hours_ == (1u << 24) - 1; }
  TimePoint NextInZone(TimePoint after) const;
  TimePoint PrevOrEqualInZone(TimePoint at) const;
  // The instants a matching wall minute stands for (none, one, or two around DST jumps).
  int Instants(int64_t wall_minute, TimePoint out[2]) const;

  std::string text_;
  std::string tz_;
  // Allowed values per field as bitmasks.
  uint64_t minutes_ = 0;
  uint32_t hours_ = 0;
  uint32_t days_of_month_ = 0;  // bits 1..31
  uint16_t months_ = 0;         // bits 1..12
  uint8_t days_of_week_ = 0;    // bits 0..6, Sunday = 0
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
  const date::time_zone* zone_ = nullptr;  // null when the schedule is in UTC
};

struct DataInterval {
  TimePoint start;
  TimePoint end;
};

// Airflow's timetables: cron (and the presets @hourly @daily @weekly @monthly @quarterly
// @yearly, which are cron), @once, and none (manual runs only).
class Timetable {
 public:
  // `schedule` is a cron expression, a preset, "@once", or empty / "null" / "none".
  static Result<Timetable> Parse(std::string_view schedule, std::string_view tz = "UTC");

  bool is_manual_only() const { return kind_ == Kind::kNone; }
  // The schedule as written ("@daily", "0 0 * * *", "@once", or "null").
  const std::string& text() const { return text_; }

  // The next interval to schedule after `last` (the latest scheduled run's interval, if
  // any), Airflow's rules: starts aligned to the schedule at or after `start_date`; with
  // catchup false, never before the latest interval that has ended by `now`; none whose
  // start is after `end_date`. @once yields [start_date, start_date] once. Returns nullopt
  // when there is none.
  std::optional<DataInterval> NextInterval(std::optional<DataInterval> last, TimePoint start_date,
                                           std::optional<TimePoint> end_date, bool catchup,
                                           TimePoint now) const;
  // The interval a manual run at `logical_date` covers (cron: the interval starting at the
  // latest tick at or before it; otherwise [logical_date, logical_date]).
  DataInterval ManualInterval(TimePoint logical_date) const;
  // Scheduled intervals whose start lies in [from, to] (backfill).
  std::vector<DataInterval> IntervalsBetween(TimePoint from, TimePoint to) const;
  // The next `count` ticks strictly after `after` (`dags next-runs`); empty if not cron.
  std::vector<TimePoint> NextTicks(TimePoint after, int count) const;

 private:
  enum class Kind { kCron, kOnce, kNone };
  Kind kind_ = Kind::kNone;
  std::string text_;
  std::optional<CronExpression> cron_;
};

}  // namespace sluice
