// Timetable: Airflow 2's CronDataIntervalTimetable, OnceTimetable and NullTimetable over
// CronExpression, with the same names for the same steps (align, skip to latest).
#include <algorithm>

#include "common/ascii.h"
#include "common/cron.h"

namespace sluice {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr Micros kOneMicro{1};

// Airflow's _get_prev: the last tick strictly before `t`.
TimePoint Prev(const CronExpression& cron, TimePoint t) { return cron.PrevOrEqual(t - kOneMicro); }

// Airflow's _align_to_next: `t` itself when it is a tick, else the next tick.
TimePoint AlignToNext(const CronExpression& cron, TimePoint t) {
  return cron.PrevOrEqual(t) == t ? t : cron.Next(t);
}

// Airflow's _skip_to_latest (before catchup_false_no_dagrun_airflow_2_fix): the start of the
// latest interval that has ended by `now`.
TimePoint SkipToLatest(const CronExpression& cron, TimePoint now) {
  const TimePoint last_start = Prev(cron, now);
  if (last_start == TimePoint::min()) return last_start;
  if (cron.Next(last_start) == now) return last_start;  // `now` is on a boundary
  return Prev(cron, last_start);
}

}  // namespace

Result<Timetable> Timetable::Parse(std::string_view schedule, std::string_view tz) {
  RETURN_NOT_OK(CheckTimeZone(tz.empty() ? "UTC" : tz));
  const std::string_view text = Trim(schedule);
  Timetable tt;
  const std::string lower = AsciiLower(text);
  if (lower.empty() || lower == "null" || lower == "none" || lower == "~") {
    tt.kind_ = Kind::kNone;
    tt.text_ = "null";
    return tt;
  }
  tt.text_ = std::string(text);
  if (lower == "@once") {
    tt.kind_ = Kind::kOnce;
    return tt;
  }
  ASSIGN_OR_RETURN(CronExpression cron, CronExpression::Parse(text, tz));
  tt.kind_ = Kind::kCron;
  tt.cron_ = std::move(cron);
  return tt;
}

std::optional<DataInterval> Timetable::NextInterval(std::optional<DataInterval> last,
                                                    TimePoint start_date,
                                                    std::optional<TimePoint> end_date, bool catchup,
                                                    TimePoint now) const {
  if (kind_ == Kind::kNone) return std::nullopt;
  if (kind_ == Kind::kOnce) {
    // @once runs at start_date whatever catchup says, as Airflow's OnceTimetable.
    if (last || (end_date && start_date > *end_date)) return std::nullopt;
    return DataInterval{start_date, start_date};
  }
  const CronExpression& cron = *cron_;
  TimePoint earliest = AlignToNext(cron, start_date);
  if (!catchup) earliest = std::max(earliest, SkipToLatest(cron, now));
  TimePoint start = earliest;
  if (last) {
    // Aligning the previous end copes with a schedule that changed since that run.
    const TimePoint previous_end = cron.PrevOrEqual(last->end);
    start = std::max(previous_end, earliest);
  }
  if (end_date && start > *end_date) return std::nullopt;
  const TimePoint end = cron.Next(start);
  if (end == TimePoint::max()) return std::nullopt;
  return DataInterval{start, end};
}

DataInterval Timetable::ManualInterval(TimePoint logical_date) const {
  if (kind_ != Kind::kCron) return DataInterval{logical_date, logical_date};
  const TimePoint start = cron_->PrevOrEqual(logical_date);
  return DataInterval{start, cron_->Next(start)};
}

std::vector<DataInterval> Timetable::IntervalsBetween(TimePoint from, TimePoint to) const {
  std::vector<DataInterval> out;
  if (kind_ == Kind::kOnce && from <= to) out.push_back(DataInterval{from, from});
  if (kind_ != Kind::kCron) return out;
  for (TimePoint start = AlignToNext(*cron_, from); start <= to;) {
    const TimePoint end = cron_->Next(start);
    if (end == TimePoint::max()) break;
    out.push_back(DataInterval{start, end});
    start = end;
  }
  return out;
}

std::vector<TimePoint> Timetable::NextTicks(TimePoint after, int count) const {
  std::vector<TimePoint> out;
  if (kind_ != Kind::kCron) return out;
  TimePoint t = after;
  for (int i = 0; i < count; ++i) {
    t = cron_->Next(t);
    if (t == TimePoint::max()) break;
    out.push_back(t);
  }
  return out;
}

}  // namespace sluice
