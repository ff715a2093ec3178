#include "common/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

TimePoint At(std::string_view iso) {
  Result<TimePoint> t = ParseTimePoint(iso);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ValueOr(TimePoint{});
}

CronExpression Cron(std::string_view text, std::string_view tz = "UTC") {
  Result<CronExpression> c = CronExpression::Parse(text, tz);
  EXPECT_TRUE(c.ok()) << text << ": " << c.status().ToString();
  return c.ok() ? *c : *CronExpression::Parse("* * * * *");
}

// The next `n` ticks after `after`, as ISO 8601 UTC text.
std::vector<std::string> Ticks(const CronExpression& cron, std::string_view after, size_t n) {
  std::vector<std::string> out;
  TimePoint t = At(after);
  for (size_t i = 0; i < n; ++i) {
    t = cron.Next(t);
    out.push_back(FormatIso8601(t));
  }
  return out;
}

struct TickCase {
  std::string_view expr;
  std::string_view after;
  std::vector<std::string> ticks;  // without the "+00:00" suffix
};

// 2026-01-01 is a Thursday; 2024 and 2028 are leap years.
const TickCase kTickCases[] = {
    // Leap days: only every fourth February has a 29th.
    {"0 0 29 2 *", "2025-01-01", {"2028-02-29T00:00:00", "2032-02-29T00:00:00"}},
    {"0 0 29 2 *", "2024-02-29", {"2028-02-29T00:00:00"}},
    {"59 23 28-31 2 *",
     "2023-02-27",
     {"2023-02-28T23:59:00", "2024-02-28T23:59:00", "2024-02-29T23:59:00", "2025-02-28T23:59:00"}},
    // Month ends: the 31st only in long months, the 30th never in February.
    {"0 0 31 * *",
     "2026-01-31",
     {"2026-03-31T00:00:00", "2026-05-31T00:00:00", "2026-07-31T00:00:00", "2026-08-31T00:00:00",
      "2026-10-31T00:00:00", "2026-12-31T00:00:00"}},
    {"0 0 30 * *", "2026-01-30", {"2026-03-30T00:00:00"}},
    {"30 23 31 12 *", "2026-06-01", {"2026-12-31T23:30:00", "2027-12-31T23:30:00"}},
    // Steps, ranges, ranges with steps, a/n.
    {"*/15 * * * *",
     "2026-01-01T00:07",
     {"2026-01-01T00:15:00", "2026-01-01T00:30:00", "2026-01-01T00:45:00", "2026-01-01T01:00:00"}},
    {"10-30/10 2 * * *",
     "2026-01-01",
     {"2026-01-01T02:10:00", "2026-01-01T02:20:00", "2026-01-01T02:30:00", "2026-01-02T02:10:00"}},
    {"0 9-17/4 * * *",
     "2026-01-01",
     {"2026-01-01T09:00:00", "2026-01-01T13:00:00", "2026-01-01T17:00:00", "2026-01-02T09:00:00"}},
    {"50/5 * * * *",
     "2026-01-01T00:00",
     {"2026-01-01T00:50:00", "2026-01-01T00:55:00", "2026-01-01T01:50:00"}},
    {"5,10-12 0 * * *",
     "2026-01-01",
     {"2026-01-01T00:05:00", "2026-01-01T00:10:00", "2026-01-01T00:11:00", "2026-01-01T00:12:00",
      "2026-01-02T00:05:00"}},
    {"* * * * *", "2026-01-01T00:00:30.5", {"2026-01-01T00:01:00", "2026-01-01T00:02:00"}},
    // Names, in lists and ranges, any case.
    {"0 12 * * MON-FRI",
     "2026-01-01T12:00",
     {"2026-01-02T12:00:00", "2026-01-05T12:00:00", "2026-01-06T12:00:00"}},
    {"0 0 1 JAN,jul *", "2026-01-01", {"2026-07-01T00:00:00", "2027-01-01T00:00:00"}},
    {"0 0 1 feb-Apr *",
     "2026-01-01",
     {"2026-02-01T00:00:00", "2026-03-01T00:00:00", "2026-04-01T00:00:00", "2027-02-01T00:00:00"}},
    {"0 0 1 */3 *",
     "2026-01-01",
     {"2026-04-01T00:00:00", "2026-07-01T00:00:00", "2026-10-01T00:00:00", "2027-01-01T00:00:00"}},
    // Sunday is 0, 7 and SUN; 5-7 is Friday to Sunday.
    {"0 0 * * 0", "2026-01-01", {"2026-01-04T00:00:00", "2026-01-11T00:00:00"}},
    {"0 0 * * 7", "2026-01-01", {"2026-01-04T00:00:00", "2026-01-11T00:00:00"}},
    {"0 0 * * sun", "2026-01-01", {"2026-01-04T00:00:00", "2026-01-11T00:00:00"}},
    {"0 0 * * 5-7",
     "2026-01-01",
     {"2026-01-02T00:00:00", "2026-01-03T00:00:00", "2026-01-04T00:00:00", "2026-01-09T00:00:00"}},
    // Both day fields restricted: a day matching either fires (Friday or the 13th).
    {"0 0 13 * FRI",
     "2026-01-01",
     {"2026-01-02T00:00:00", "2026-01-09T00:00:00", "2026-01-13T00:00:00", "2026-01-16T00:00:00"}},
    {"0 0 1,15 * 3",
     "2025-12-31T12:00",
     {"2026-01-01T00:00:00", "2026-01-07T00:00:00", "2026-01-14T00:00:00", "2026-01-15T00:00:00",
      "2026-01-21T00:00:00"}},
    // A day field written '*/n' is not restricted (Vixie): both must match (odd Mondays).
    {"0 0 */2 * MON",
     "2026-01-01",
     {"2026-01-05T00:00:00", "2026-01-19T00:00:00", "2026-02-09T00:00:00"}},
    // Only one day field restricted: it alone decides.
    {"0 0 * * 1", "2026-01-01", {"2026-01-05T00:00:00", "2026-01-12T00:00:00"}},
    // 1-31 is restricted as written, so OR with Monday: every day.
    {"0 0 1-31 * MON", "2026-01-01", {"2026-01-02T00:00:00", "2026-01-03T00:00:00"}},
};

TEST(CronTest, TableOfExpectedTicks) {
  for (const TickCase& c : kTickCases) {
    std::vector<std::string> want;
    for (const std::string& t : c.ticks) want.push_back(t + "+00:00");
    EXPECT_THAT(Ticks(Cron(c.expr), c.after, want.size()), ElementsAreArray(want))
        << c.expr << " after " << c.after;
  }
}

TEST(CronTest, PrevOrEqual) {
  const CronExpression daily = Cron("0 0 * * *");
  EXPECT_EQ(daily.PrevOrEqual(At("2026-01-01")), At("2026-01-01"));
  EXPECT_EQ(daily.PrevOrEqual(At("2026-01-01") + Micros(1)), At("2026-01-01"));
  EXPECT_EQ(daily.PrevOrEqual(At("2026-01-01") - Micros(1)), At("2025-12-31"));
  EXPECT_EQ(Cron("0 0 29 2 *").PrevOrEqual(At("2027-06-01")), At("2024-02-29"));
  EXPECT_EQ(Cron("0 0 31 * *").PrevOrEqual(At("2026-05-01")), At("2026-03-31"));
  EXPECT_EQ(Cron("0 0 13 * FRI").PrevOrEqual(At("2026-01-15")), At("2026-01-13"));
  EXPECT_EQ(Cron("*/15 * * * *").PrevOrEqual(At("2026-01-01T00:14:59")), At("2026-01-01"));
}

// Next and PrevOrEqual must agree: each tick is its own PrevOrEqual, and the PrevOrEqual of
// the instant just before a tick is the tick before it.
void ExpectConsistent(const CronExpression& cron, std::string_view after, int n) {
  TimePoint prev = cron.Next(At(after));
  for (int i = 0; i < n; ++i) {
    const TimePoint next = cron.Next(prev);
    ASSERT_GT(next, prev) << cron.text();
    EXPECT_EQ(cron.PrevOrEqual(next), next) << cron.text() << " " << FormatIso8601(next);
    EXPECT_EQ(cron.PrevOrEqual(next - Micros(1)), prev)
        << cron.text() << " " << FormatIso8601(next);
    EXPECT_EQ(cron.Next(next - Micros(1)), next) << cron.text() << " " << FormatIso8601(next);
    prev = next;
  }
}

TEST(CronTest, NextAndPrevAgree) {
  for (const TickCase& c : kTickCases) ExpectConsistent(Cron(c.expr), c.after, 40);
  for (std::string_view tz : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
    for (std::string_view expr :
         {"30 2 * * *", "0 * * * *", "*/20 * * * *", "30 1 * * *", "0 0 * * *", "15 2,3 * * 0"}) {
      ExpectConsistent(Cron(expr, tz), "2026-01-01", 400);
    }
  }
}

TEST(CronTest, EdgesOfTimeEndTheSearch) {
  for (std::string_view tz : {"UTC", "Europe/Paris"}) {
    const CronExpression leap = Cron("0 0 29 2 *", tz);
    EXPECT_EQ(leap.Next(TimePoint::max()), TimePoint::max());
    EXPECT_EQ(leap.Next(At("9999-01-01")), TimePoint::max());  // 9996 was the last leap year
    EXPECT_EQ(leap.PrevOrEqual(TimePoint::min()), TimePoint::min());
    EXPECT_EQ(FormatDate(leap.PrevOrEqual(TimePoint::max())),
              "9996-02-2" + std::string(tz == "UTC" ? "9" : "8"));
    EXPECT_EQ(Cron("0 0 1 1 *").Next(TimePoint::min()), At("0001-01-01"));
  }
  EXPECT_FALSE(Timetable::Parse("@yearly")->NextInterval(std::nullopt, At("9999-06-01"),
                                                         std::nullopt, true, At("9999-07-01")));
}

TEST(CronTest, EveryPresetIsItsCron) {
  const std::pair<std::string_view, std::string_view> presets[] = {
      {"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"},  {"@quarterly", "0 0 1 */3 *"},
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
  };
  for (const auto& [preset, cron] : presets) {
    const CronExpression p = Cron(preset);
    EXPECT_EQ(p.text(), preset);
    EXPECT_EQ(Ticks(p, "2026-01-01T00:00:01", 6), Ticks(Cron(cron), "2026-01-01T00:00:01", 6))
        << preset;
  }
  EXPECT_EQ(Ticks(Cron("@weekly"), "2026-01-01", 1)[0], "2026-01-04T00:00:00+00:00");
  EXPECT_EQ(Ticks(Cron("@quarterly"), "2026-01-01", 1)[0], "2026-04-01T00:00:00+00:00");
  EXPECT_EQ(Ticks(Cron("@DAILY"), "2026-01-01", 1)[0], "2026-01-02T00:00:00+00:00");
}

// Daylight saving, as Airflow 2 does it: a skipped wall time fires with the offset before the
// jump (02:30 -> 03:30), a repeated one at its second occurrence, except that a schedule
// firing every hour fires in both repeated hours.
TEST(CronDstTest, ParisSpringForwardShiftsTheSkippedTick) {
  // 2026-03-29 02:00 CET -> 03:00 CEST.
  EXPECT_THAT(Ticks(Cron("30 2 * * *", "Europe/Paris"), "2026-03-28T12:00Z", 3),
              ElementsAreArray({"2026-03-29T01:30:00+00:00",  // 03:30 CEST
                                "2026-03-30T00:30:00+00:00", "2026-03-31T00:30:00+00:00"}));
  EXPECT_THAT(Ticks(Cron("30 * * * *", "Europe/Paris"), "2026-03-29T00:00Z", 3),
              ElementsAreArray({"2026-03-29T00:30:00+00:00", "2026-03-29T01:30:00+00:00",
                                "2026-03-29T02:30:00+00:00"}));
  EXPECT_THAT(Ticks(Cron("0 0 * * *", "Europe/Paris"), "2026-03-28T00:00Z", 2),
              ElementsAreArray({"2026-03-28T23:00:00+00:00", "2026-03-29T22:00:00+00:00"}));
}

TEST(CronDstTest, ParisFallBack) {
  // 2026-10-25 03:00 CEST -> 02:00 CET: 02:00-02:59 happens twice.
  EXPECT_THAT(Ticks(Cron("30 2 * * *", "Europe/Paris"), "2026-10-24T12:00Z", 2),
              ElementsAreArray({"2026-10-25T01:30:00+00:00",  // the second 02:30 (CET)
                                "2026-10-26T01:30:00+00:00"}));
  EXPECT_THAT(Ticks(Cron("0 * * * *", "Europe/Paris"), "2026-10-24T23:30Z", 3),
              ElementsAreArray({"2026-10-25T00:00:00+00:00",     // 02:00 CEST
                                "2026-10-25T01:00:00+00:00",     // 02:00 CET
                                "2026-10-25T02:00:00+00:00"}));  // 03:00 CET
  const CronExpression c = Cron("30 2 * * *", "Europe/Paris");
  EXPECT_EQ(c.PrevOrEqual(At("2026-10-25T01:30Z")), At("2026-10-25T01:30Z"));
  EXPECT_EQ(c.PrevOrEqual(At("2026-10-25T01:00Z")), At("2026-10-24T00:30Z"));
}

TEST(CronDstTest, NewYork) {
  // 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
  EXPECT_THAT(Ticks(Cron("30 2 * * *", "America/New_York"), "2026-03-07T12:00Z", 2),
              ElementsAreArray({"2026-03-08T07:30:00+00:00",  // 03:30 EDT
                                "2026-03-09T06:30:00+00:00"}));
  EXPECT_THAT(Ticks(Cron("30 1 * * *", "America/New_York"), "2026-10-31T12:00Z", 2),
              ElementsAreArray({"2026-11-01T06:30:00+00:00",  // the second 01:30 (EST)
                                "2026-11-02T06:30:00+00:00"}));
  EXPECT_THAT(Ticks(Cron("0 9 * * MON-FRI", "America/New_York"), "2026-03-06T15:00Z", 2),
              ElementsAreArray({"2026-03-09T13:00:00+00:00", "2026-03-10T13:00:00+00:00"}));
}

std::string ParseError(std::string_view text, std::string_view tz = "UTC") {
  Result<CronExpression> c = CronExpression::Parse(text, tz);
  EXPECT_FALSE(c.ok()) << text << " parsed";
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  return c.status().message();
}

TEST(CronParseTest, ErrorsNameTheFieldAndValue) {
  EXPECT_THAT(ParseError("61 * * * *"), HasSubstr("minute: 61 is out of range 0-59"));
  EXPECT_THAT(ParseError("* 24 * * *"), HasSubstr("hour: 24 is out of range 0-23"));
  EXPECT_THAT(ParseError("* * 0 * *"), HasSubstr("day-of-month: 0 is out of range 1-31"));
  EXPECT_THAT(ParseError("* * 32 * *"), HasSubstr("day-of-month: 32 is out of range 1-31"));
  EXPECT_THAT(ParseError("* * * 13 *"), HasSubstr("month: 13 is out of range 1-12"));
  EXPECT_THAT(ParseError("* * * * 8"), HasSubstr("day-of-week: 8 is out of range 0-7"));
  EXPECT_THAT(ParseError("* * * FOO *"), HasSubstr("month: \"FOO\" is not a number 1-12 or a "
                                                   "name JAN-DEC"));
  EXPECT_THAT(ParseError("* * * * MON-FOO"), HasSubstr("day-of-week: \"FOO\""));
  EXPECT_THAT(ParseError("* * * * MONDAY"), HasSubstr("day-of-week: \"MONDAY\""));
  EXPECT_THAT(ParseError("* * * JAN-MON *"), HasSubstr("month: \"MON\""));
  EXPECT_THAT(ParseError("*/0 * * * *"), HasSubstr("minute: step \"0\""));
  EXPECT_THAT(ParseError("*/x * * * *"), HasSubstr("minute: step \"x\""));
  EXPECT_THAT(ParseError("5-2 * * * *"), HasSubstr("minute: range \"5-2\" goes backwards"));
  EXPECT_THAT(ParseError("1,,2 * * * *"), HasSubstr("minute: empty item"));
  EXPECT_THAT(ParseError("1-2-3 * * * *"), HasSubstr("minute: \"1-2-3\" is not a range"));
  EXPECT_THAT(ParseError("-1 * * * *"), HasSubstr("minute: \"-1\" is not a value"));
  EXPECT_THAT(ParseError("/5 * * * *"), HasSubstr("minute: \"/5\" is not a value"));
  EXPECT_THAT(ParseError("0 0 L * *"), HasSubstr("day-of-month: \"L\""));
  EXPECT_THAT(ParseError("* * * *"), HasSubstr("expected 5 fields"));
  EXPECT_THAT(ParseError("* * * * * *"), HasSubstr("found 6"));
  EXPECT_THAT(ParseError(""), HasSubstr("found 0"));
  EXPECT_THAT(ParseError("@fortnightly"), HasSubstr("unknown preset"));
  EXPECT_THAT(ParseError("@once"), HasSubstr("not a cron expression"));
  EXPECT_THAT(ParseError("0 0 30 2 *"), HasSubstr("day-of-month \"30\" never occurs"));
  EXPECT_THAT(ParseError("0 0 31 4,6 *"), HasSubstr("never occurs"));
  EXPECT_THAT(ParseError("0 0 * * *", "Mars/Olympus_Mons"), HasSubstr("Mars/Olympus_Mons"));
  // Every message quotes the expression.
  EXPECT_THAT(ParseError("61 * * * *"), HasSubstr("\"61 * * * *\""));
}

TEST(CronParseTest, AcceptsWhatCronAccepts) {
  EXPECT_TRUE(CronExpression::Parse("0 0 31 4,6 MON").ok());  // OR: Mondays fire anyway
  EXPECT_TRUE(CronExpression::Parse("  0   0 * *\t* ").ok());
  EXPECT_TRUE(CronExpression::Parse("*/100 * * * *").ok());
  const CronExpression c = Cron("0 0 * * *", "Europe/Paris");
  EXPECT_EQ(c.tz(), "Europe/Paris");
  EXPECT_EQ(c.text(), "0 0 * * *");
}

}  // namespace
}  // namespace sluice
