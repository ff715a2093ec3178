#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/cron.h"

namespace sluice {
namespace {

using ::testing::HasSubstr;

TimePoint At(std::string_view iso, std::string_view tz = "UTC") {
  Result<TimePoint> t = ParseTimePoint(iso, tz);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ValueOr(TimePoint{});
}

Timetable Table(std::string_view schedule, std::string_view tz = "UTC") {
  Result<Timetable> t = Timetable::Parse(schedule, tz);
  EXPECT_TRUE(t.ok()) << schedule << ": " << t.status().ToString();
  return t.ok() ? *t : *Timetable::Parse("null");
}

std::string Show(const std::optional<DataInterval>& i) {
  if (!i) return "none";
  return FormatIso8601(i->start) + " .. " + FormatIso8601(i->end);
}

std::string Show(std::string_view start, std::string_view end) {
  return FormatIso8601(At(start)) + " .. " + FormatIso8601(At(end));
}

DataInterval Interval(std::string_view start, std::string_view end) {
  return DataInterval{At(start), At(end)};
}

TEST(TimetableParseTest, Kinds) {
  EXPECT_FALSE(Table("@daily").is_manual_only());
  EXPECT_EQ(Table("@daily").text(), "@daily");
  EXPECT_EQ(Table(" 0 6 * * * ").text(), "0 6 * * *");
  EXPECT_FALSE(Table("@once").is_manual_only());
  for (std::string_view none : {"", "null", "None", "NONE", "~"}) {
    EXPECT_TRUE(Table(none).is_manual_only()) << none;
    EXPECT_EQ(Table(none).text(), "null");
  }
}

TEST(TimetableParseTest, Errors) {
  Result<Timetable> bad = Timetable::Parse("0 0 32 * *");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("day-of-month: 32 is out of range 1-31"));
  EXPECT_THAT(Timetable::Parse("@sometimes").status().message(), HasSubstr("unknown preset"));
  EXPECT_THAT(Timetable::Parse("@daily", "Mars/Base").status().message(),
              HasSubstr("\"Mars/Base\""));
  EXPECT_FALSE(Timetable::Parse("null", "Mars/Base").ok());
}

TEST(NextIntervalTest, CatchupFromStartDate) {
  const Timetable daily = Table("@daily");
  const TimePoint now = At("2026-11-05T10:00");
  // start_date on a tick: the first interval starts there.
  EXPECT_EQ(Show(daily.NextInterval(std::nullopt, At("2026-11-01"), std::nullopt, true, now)),
            Show("2026-11-01", "2026-11-02"));
  // start_date between ticks: the first interval starts at the next tick.
  EXPECT_EQ(Show(daily.NextInterval(std::nullopt, At("2026-11-01T06:00"), std::nullopt, true, now)),
            Show("2026-11-02", "2026-11-03"));
  // After a run, the next interval follows on.
  EXPECT_EQ(Show(daily.NextInterval(Interval("2026-11-01", "2026-11-02"), At("2026-11-01"),
                                    std::nullopt, true, now)),
            Show("2026-11-02", "2026-11-03"));
  // Intervals are returned even when not yet due: the caller waits for their end.
  EXPECT_EQ(Show(daily.NextInterval(Interval("2026-11-05", "2026-11-06"), At("2026-11-01"),
                                    std::nullopt, true, now)),
            Show("2026-11-06", "2026-11-07"));
}

TEST(NextIntervalTest, NoCatchupSkipsToTheLatestCompleteInterval) {
  const Timetable daily = Table("@daily");
  const TimePoint start = At("2026-01-01");
  const TimePoint now = At("2026-11-05T10:00");
  EXPECT_EQ(Show(daily.NextInterval(std::nullopt, start, std::nullopt, false, now)),
            Show("2026-11-04", "2026-11-05"));
  EXPECT_EQ(Show(daily.NextInterval(Interval("2026-01-01", "2026-01-02"), start, std::nullopt,
                                    false, now)),
            Show("2026-11-04", "2026-11-05"));
  // Once the latest complete interval has run, the next one is the one in progress.
  EXPECT_EQ(Show(daily.NextInterval(Interval("2026-11-04", "2026-11-05"), start, std::nullopt,
                                    false, now)),
            Show("2026-11-05", "2026-11-06"));
  // `now` exactly on a boundary: the interval that just ended.
  EXPECT_EQ(Show(daily.NextInterval(std::nullopt, start, std::nullopt, false, At("2026-11-05"))),
            Show("2026-11-04", "2026-11-05"));
  // A start_date in the future still wins.
  EXPECT_EQ(Show(daily.NextInterval(std::nullopt, At("2026-12-01"), std::nullopt, false, now)),
            Show("2026-12-01", "2026-12-02"));
  const Timetable hourly = Table("0 * * * *");
  EXPECT_EQ(Show(hourly.NextInterval(std::nullopt, start, std::nullopt, false,
                                     At("2026-11-05T10:59:59"))),
            Show("2026-11-05T09:00", "2026-11-05T10:00"));
}

TEST(NextIntervalTest, EndDate) {
  const Timetable daily = Table("@daily");
  const TimePoint start = At("2026-11-01");
  const TimePoint end_date = At("2026-11-03");
  const TimePoint now = At("2027-01-01");
  std::vector<std::string> runs;
  std::optional<DataInterval> last;
  while (auto next = daily.NextInterval(last, start, end_date, true, now)) {
    runs.push_back(Show(next));
    last = next;
    ASSERT_LT(runs.size(), 10u);
  }
  // A run whose start equals end_date still happens, as in Airflow.
  EXPECT_EQ(runs, (std::vector<std::string>{Show("2026-11-01", "2026-11-02"),
                                            Show("2026-11-02", "2026-11-03"),
                                            Show("2026-11-03", "2026-11-04")}));
  EXPECT_FALSE(daily.NextInterval(std::nullopt, At("2026-11-04"), end_date, true, now));
}

TEST(NextIntervalTest, MonthlyChainIsContiguous) {
  const Timetable monthly = Table("@monthly");
  std::optional<DataInterval> last;
  int count = 0;
  while (auto next = monthly.NextInterval(last, At("2026-01-15"), At("2026-12-31"), true,
                                          At("2030-01-01"))) {
    if (last) {
      EXPECT_EQ(next->start, last->end);
    }
    EXPECT_EQ(FormatIso8601(next->start).substr(8), "01T00:00:00+00:00");
    last = next;
    ++count;
  }
  EXPECT_EQ(count, 11);  // Feb 1 .. Dec 1
}

TEST(NextIntervalTest, IntervalsFollowTheZone) {
  // Paris springs forward on 2026-03-29: that day is 23 hours long.
  const Timetable daily = Table("@daily", "Europe/Paris");
  const TimePoint start = At("2026-03-28", "Europe/Paris");
  const TimePoint now = At("2026-04-01");
  auto first = daily.NextInterval(std::nullopt, start, std::nullopt, true, now);
  EXPECT_EQ(Show(first), Show("2026-03-27T23:00Z", "2026-03-28T23:00Z"));
  auto second = daily.NextInterval(first, start, std::nullopt, true, now);
  EXPECT_EQ(Show(second), Show("2026-03-28T23:00Z", "2026-03-29T22:00Z"));
}

TEST(NextIntervalTest, OnceAndNone) {
  const Timetable once = Table("@once");
  const TimePoint start = At("2026-11-01T06:00");
  const TimePoint now = At("2027-01-01");
  for (bool catchup : {true, false}) {
    EXPECT_EQ(Show(once.NextInterval(std::nullopt, start, std::nullopt, catchup, now)),
              Show("2026-11-01T06:00", "2026-11-01T06:00"));
  }
  EXPECT_FALSE(once.NextInterval(Interval("2026-11-01T06:00", "2026-11-01T06:00"), start,
                                 std::nullopt, true, now));
  EXPECT_FALSE(once.NextInterval(std::nullopt, start, At("2026-10-01"), true, now));
  const Timetable none = Table("null");
  EXPECT_FALSE(none.NextInterval(std::nullopt, start, std::nullopt, true, now));
  EXPECT_FALSE(none.NextInterval(std::nullopt, start, std::nullopt, false, now));
}

TEST(ManualIntervalTest, CronAlignsBackOtherwiseExact) {
  const Timetable daily = Table("@daily");
  EXPECT_EQ(Show(daily.ManualInterval(At("2026-11-05T10:00"))), Show("2026-11-05", "2026-11-06"));
  EXPECT_EQ(Show(daily.ManualInterval(At("2026-11-05"))), Show("2026-11-05", "2026-11-06"));
  EXPECT_EQ(Show(Table("@once").ManualInterval(At("2026-11-05T10:00"))),
            Show("2026-11-05T10:00", "2026-11-05T10:00"));
  EXPECT_EQ(Show(Table("null").ManualInterval(At("2026-11-05T10:00"))),
            Show("2026-11-05T10:00", "2026-11-05T10:00"));
}

TEST(IntervalsBetweenTest, Backfill) {
  const Timetable daily = Table("@daily");
  auto all = daily.IntervalsBetween(At("2026-11-01"), At("2026-11-03"));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(Show(all[0]), Show("2026-11-01", "2026-11-02"));
  EXPECT_EQ(Show(all[2]), Show("2026-11-03", "2026-11-04"));
  auto aligned = daily.IntervalsBetween(At("2026-11-01T06:00"), At("2026-11-03T05:00"));
  ASSERT_EQ(aligned.size(), 2u);
  EXPECT_EQ(Show(aligned[0]), Show("2026-11-02", "2026-11-03"));
  EXPECT_TRUE(daily.IntervalsBetween(At("2026-11-03"), At("2026-11-01")).empty());
  EXPECT_EQ(Table("0 */6 * * *").IntervalsBetween(At("2026-11-01"), At("2026-11-02")).size(), 5u);
  auto once = Table("@once").IntervalsBetween(At("2026-11-01"), At("2026-11-03"));
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(Show(once[0]), Show("2026-11-01", "2026-11-01"));
  EXPECT_TRUE(Table("null").IntervalsBetween(At("2026-11-01"), At("2026-11-03")).empty());
}

TEST(NextTicksTest, StrictlyAfter) {
  std::vector<std::string> ticks;
  for (TimePoint t : Table("@daily").NextTicks(At("2026-11-01"), 3)) {
    ticks.push_back(FormatIso8601(t));
  }
  EXPECT_EQ(ticks,
            (std::vector<std::string>{"2026-11-02T00:00:00+00:00", "2026-11-03T00:00:00+00:00",
                                      "2026-11-04T00:00:00+00:00"}));
  EXPECT_TRUE(Table("@daily").NextTicks(At("2026-11-01"), 0).empty());
  EXPECT_TRUE(Table("@once").NextTicks(At("2026-11-01"), 3).empty());
  EXPECT_TRUE(Table("null").NextTicks(At("2026-11-01"), 3).empty());
  auto paris = Table("0 0 * * *", "Europe/Paris").NextTicks(At("2026-07-01"), 1);
  ASSERT_EQ(paris.size(), 1u);
  EXPECT_EQ(FormatIso8601(paris[0]), "2026-07-01T22:00:00+00:00");
}

}  // namespace
}  // namespace sluice
