// CronExpression::Next and PrevOrEqual: a search over wall-clock minutes that jumps whole
// months, days and hours, then the mapping of wall-clock minutes to instants in the zone.
#include "common/cron.h"

#include <algorithm>
#include <bit>

#include "common/tz_internal.h"

namespace sluice {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr int64_t kMinutesPerDay = 1440;
// How far a DST jump can move a tick (no zone jumps by 3 hours): the search looks this far
// around its target, so a tick displaced by a jump is never missed.
constexpr int64_t kSlackMinutes = 180;
constexpr Micros kSlack = minutes(kSlackMinutes);
// The search gives up after this many years; Parse rejects every expression that never fires,
// and every possible date falls on every weekday within 400 years.
constexpr int kSearchYears = 401;
// Ticks live in years 1 to 9999, as their ISO 8601 text does; this also keeps the civil
// arithmetic far from overflow for instants like TimePoint::max().
constexpr int64_t kFirstMinute = -62135596800LL / 60;  // 0001-01-01T00:00
constexpr int64_t kEndMinute = 253402300800LL / 60;    // 10000-01-01T00:00

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Smallest set bit >= from, or -1.
int NextBit(uint64_t mask, int from) {
  if (from > 63) return -1;
  const uint64_t m = mask & (~uint64_t{0} << from);
  return m == 0 ? -1 : std::countr_zero(m);
}

// Largest set bit <= from, or -1.
int PrevBit(uint64_t mask, int from) {
  if (from < 0) return -1;
  const uint64_t m = from >= 63 ? mask : mask & ((uint64_t{2} << from) - 1);
  return m == 0 ? -1 : 63 - std::countl_zero(m);
}

date::year_month_day CivilDay(int64_t day) {
  return date::year_month_day{date::sys_days{date::days{day}}};
}

int64_t DayNumber(date::year_month_day ymd) {
  return date::sys_days{ymd}.time_since_epoch().count();
}

int64_t WallMinuteOf(TimePoint t, Micros offset) {
  return std::chrono::floor<minutes>(t.time_since_epoch() + offset).count();
}

TimePoint FromWallMinute(int64_t wall_minute, seconds offset) {
  return TimePoint(minutes(wall_minute) - offset);
}

}  // namespace

bool CronExpression::DayMatches(int64_t local_day) const {
  const date::year_month_day ymd = CivilDay(local_day);
  const bool dom = days_of_month_ >> unsigned(ymd.day()) & 1;
  const unsigned dow = date::weekday{date::sys_days{date::days{local_day}}}.c_encoding();
  const bool dow_ok = days_of_week_ >> dow & 1;
  // A field written as '*...' has its full (or stepped) mask and so narrows by AND, as in Vixie
  // cron; two restricted fields widen each other.
  return (dom_restricted_ && dow_restricted_) ? (dom || dow_ok) : (dom && dow_ok);
}

int64_t CronExpression::NextWallMinute(int64_t after) const {
  if (after < kFirstMinute - 1) after = kFirstMinute - 1;
  int64_t m = after + 1;
  const int last_year = int(CivilDay(FloorDiv(m, kMinutesPerDay)).year()) + kSearchYears;
  while (true) {
    const int64_t day = FloorDiv(m, kMinutesPerDay);
    const int64_t in_day = m - day * kMinutesPerDay;
    const date::year_month_day ymd = CivilDay(day);
    if (m >= kEndMinute || int(ymd.year()) > last_year) return kNoMinute;
    if (!(months_ >> unsigned(ymd.month()) & 1)) {
      const date::year_month_day first = ymd.year() / ymd.month() / 1;
      m = DayNumber(first + date::months{1}) * kMinutesPerDay;
      continue;
    }
    if (!DayMatches(day)) {
      m = (day + 1) * kMinutesPerDay;
      continue;
    }
    const int hour = int(in_day / 60);
    const int h = NextBit(hours_, hour);
    if (h < 0) {
      m = (day + 1) * kMinutesPerDay;
      continue;
    }
    const int minute = h == hour ? int(in_day % 60) : 0;
    const int mi = NextBit(minutes_, minute);
    if (mi < 0) {
      m = day * kMinutesPerDay + (h + 1) * 60;
      continue;
    }
    return day * kMinutesPerDay + h * 60 + mi;
  }
}

int64_t CronExpression::PrevOrEqualWallMinute(int64_t at) const {
  if (at >= kEndMinute) at = kEndMinute - 1;
  int64_t m = at;
  const int first_year = int(CivilDay(FloorDiv(m, kMinutesPerDay)).year()) - kSearchYears;
  while (true) {
    const int64_t day = FloorDiv(m, kMinutesPerDay);
    const int64_t in_day = m - day * kMinutesPerDay;
    const date::year_month_day ymd = CivilDay(day);
    if (m < kFirstMinute || int(ymd.year()) < first_year) return kNoMinute;
    if (!(months_ >> unsigned(ymd.month()) & 1)) {
      m = DayNumber(ymd.year() / ymd.month() / 1) * kMinutesPerDay - 1;
      continue;
    }
    if (!DayMatches(day)) {
      m = day * kMinutesPerDay - 1;
      continue;
    }
    const int hour = int(in_day / 60);
    const int h = PrevBit(hours_, hour);
    if (h < 0) {
      m = day * kMinutesPerDay - 1;
      continue;
    }
    const int minute = h == hour ? int(in_day % 60) : 59;
    const int mi = PrevBit(minutes_, minute);
    if (mi < 0) {
      m = day * kMinutesPerDay + h * 60 - 1;
      continue;
    }
    return day * kMinutesPerDay + h * 60 + mi;
  }
}

int CronExpression::Instants(int64_t wall_minute, TimePoint out[2]) const {
  const date::local_info info = zone_->get_info(date::local_seconds{minutes(wall_minute)});
  switch (info.result) {
    case date::local_info::unique:
      out[0] = FromWallMinute(wall_minute, info.first.offset);
      return 1;
    case date::local_info::nonexistent:
      // Airflow reads a skipped wall time with fold=1: with the offset before the jump.
      if (EveryHour()) return 0;
      out[0] = FromWallMinute(wall_minute, info.first.offset);
      return 1;
    case date::local_info::ambiguous:
      if (!EveryHour()) {
        out[0] = FromWallMinute(wall_minute, info.second.offset);
        return 1;
      }
      out[0] = FromWallMinute(wall_minute, info.first.offset);
      out[1] = FromWallMinute(wall_minute, info.second.offset);
      return 2;
  }
  return 0;
}

TimePoint CronExpression::Next(TimePoint after) const {
  if (after >= TimePoint(minutes(kEndMinute))) return TimePoint::max();
  after = std::max(after, TimePoint(minutes(kFirstMinute)) - Micros(1));
  if (zone_ == nullptr) {
    const int64_t m = NextWallMinute(WallMinuteOf(after, Micros(0)));
    return m == kNoMinute ? TimePoint::max() : FromWallMinute(m, seconds(0));
  }
  return NextInZone(after);
}

TimePoint CronExpression::PrevOrEqual(TimePoint at) const {
  if (at < TimePoint(minutes(kFirstMinute))) return TimePoint::min();
  at = std::min(at, TimePoint(minutes(kEndMinute)) - Micros(1));
  if (zone_ == nullptr) {
    const int64_t m = PrevOrEqualWallMinute(WallMinuteOf(at, Micros(0)));
    return m == kNoMinute ? TimePoint::min() : FromWallMinute(m, seconds(0));
  }
  return PrevOrEqualInZone(at);
}

TimePoint CronExpression::NextInZone(TimePoint after) const {
  const date::sys_info here = zone_->get_info(std::chrono::floor<seconds>(after));
  const int64_t wall = WallMinuteOf(after, here.offset);
  // Far from any jump, the first matching wall minute is the answer.
  if (after - here.begin >= kSlack) {
    const int64_t m = NextWallMinute(wall);
    if (m == kNoMinute) return TimePoint::max();
    const TimePoint t = FromWallMinute(m, here.offset);
    if (here.end - t >= kSlack) return t;
  }
  // Near a jump, look at every matching minute from a little before, since a skipped minute
  // maps later than its wall time, and keep the earliest instant after `after`.
  std::optional<TimePoint> best;
  int64_t best_wall = 0;
  for (int64_t m = NextWallMinute(wall - kSlackMinutes); m != kNoMinute; m = NextWallMinute(m)) {
    TimePoint cand[2];
    const int n = Instants(m, cand);
    for (int i = 0; i < n; ++i) {
      if (cand[i] > after && (!best || cand[i] < *best)) {
        best = cand[i];
        best_wall = m;
      }
    }
    if (best && m > best_wall + kSlackMinutes) break;
  }
  return best.value_or(TimePoint::max());
}

TimePoint CronExpression::PrevOrEqualInZone(TimePoint at) const {
  const date::sys_info here = zone_->get_info(std::chrono::floor<seconds>(at));
  const int64_t wall = WallMinuteOf(at, here.offset);
  if (here.end - at >= kSlack) {
    const int64_t m = PrevOrEqualWallMinute(wall);
    if (m == kNoMinute) return TimePoint::min();
    const TimePoint t = FromWallMinute(m, here.offset);
    if (t - here.begin >= kSlack) return t;
  }
  std::optional<TimePoint> best;
  int64_t best_wall = 0;
  for (int64_t m = PrevOrEqualWallMinute(wall + kSlackMinutes); m != kNoMinute;
       m = PrevOrEqualWallMinute(m - 1)) {
    TimePoint cand[2];
    const int n = Instants(m, cand);
    for (int i = 0; i < n; ++i) {
      if (cand[i] <= at && (!best || cand[i] > *best)) {
        best = cand[i];
        best_wall = m;
      }
    }
    if (best && m < best_wall - kSlackMinutes) break;
  }
  return best.value_or(TimePoint::min());
}

}  // namespace sluice
