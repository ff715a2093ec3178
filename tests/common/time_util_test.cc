#include "common/time_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

// Seconds since the epoch of a UTC civil time, computed independently of ParseTimePoint.
TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  // Days from civil (H. Hinnant's public-domain algorithm, restated).
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t(era) * 146097 + int64_t(doe) - 719468;
  return TimePoint(hours(days * 24 + h) + minutes(mi) + seconds(s));
}

TimePoint Parse(std::string_view text, std::string_view tz = "UTC") {
  Result<TimePoint> r = ParseTimePoint(text, tz);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ValueOr(TimePoint{});
}

std::string ParseError(std::string_view text, std::string_view tz = "UTC") {
  Result<TimePoint> r = ParseTimePoint(text, tz);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  return r.status().message();
}

TEST(ParseTimePointTest, DatesAndDateTimes) {
  EXPECT_EQ(Parse("2026-11-01"), Utc(2026, 11, 1));
  EXPECT_EQ(Parse("2026-11-01T06:30"), Utc(2026, 11, 1, 6, 30));
  EXPECT_EQ(Parse("2026-11-01 06:30:15"), Utc(2026, 11, 1, 6, 30, 15));
  EXPECT_EQ(Parse("  2026-11-01T06:30:00Z "), Utc(2026, 11, 1, 6, 30));
  EXPECT_EQ(Parse("2024-02-29T23:59:59"), Utc(2024, 2, 29, 23, 59, 59));
  EXPECT_EQ(Parse("1969-12-31T23:59:59Z"), TimePoint(seconds(-1)));
}

TEST(ParseTimePointTest, Fractions) {
  EXPECT_EQ(Parse("2026-11-01T06:30:00.123456Z"), Utc(2026, 11, 1, 6, 30) + Micros(123456));
  EXPECT_EQ(Parse("2026-11-01T06:30:00.5"), Utc(2026, 11, 1, 6, 30) + Micros(500000));
  // Nanoseconds are cut to microseconds.
  EXPECT_EQ(Parse("2026-11-01T06:30:00.123456789Z"), Utc(2026, 11, 1, 6, 30) + Micros(123456));
}

TEST(ParseTimePointTest, Offsets) {
  EXPECT_EQ(Parse("2026-11-01T06:30:00+02:00"), Utc(2026, 11, 1, 4, 30));
  EXPECT_EQ(Parse("2026-11-01T06:30:00+0200"), Utc(2026, 11, 1, 4, 30));
  EXPECT_EQ(Parse("2026-11-01T06:30+02"), Utc(2026, 11, 1, 4, 30));
  EXPECT_EQ(Parse("2026-11-01T06:30:00-05:30"), Utc(2026, 11, 1, 12, 0));
  EXPECT_EQ(Parse("2026-11-01T06:30:00+00:00"), Utc(2026, 11, 1, 6, 30));
  // An explicit offset wins over the zone.
  EXPECT_EQ(Parse("2026-11-01T06:30:00Z", "Europe/Paris"), Utc(2026, 11, 1, 6, 30));
}

TEST(ParseTimePointTest, ReadsWallTimeInZone) {
  EXPECT_EQ(Parse("2026-07-01T12:00", "Europe/Paris"), Utc(2026, 7, 1, 10));
  EXPECT_EQ(Parse("2026-01-01", "Europe/Paris"), Utc(2025, 12, 31, 23));
  EXPECT_EQ(Parse("2026-07-01", "America/New_York"), Utc(2026, 7, 1, 4));
  // Repeated hour (Paris falls back at 03:00 CEST on 2026-10-25): the first occurrence.
  EXPECT_EQ(Parse("2026-10-25T02:30", "Europe/Paris"), Utc(2026, 10, 25, 0, 30));
  // Skipped hour (Paris springs forward at 02:00 CET on 2026-03-29): the offset before it.
  EXPECT_EQ(Parse("2026-03-29T02:30", "Europe/Paris"), Utc(2026, 3, 29, 1, 30));
}

TEST(ParseTimePointTest, ErrorsNameTheTextAndTheProblem) {
  EXPECT_THAT(ParseError("yesterday"), HasSubstr("\"yesterday\""));
  EXPECT_THAT(ParseError("yesterday"), HasSubstr("expected YYYY-MM-DD"));
  EXPECT_THAT(ParseError("2026-13-01"), HasSubstr("month 13 is out of range 1-12"));
  EXPECT_THAT(ParseError("2026-02-29"), HasSubstr("day 29 does not exist in 2026-02"));
  EXPECT_THAT(ParseError("2026-11-01T24:00"), HasSubstr("hour 24"));
  EXPECT_THAT(ParseError("2026-11-01T06:60"), HasSubstr("minute 60"));
  EXPECT_THAT(ParseError("2026-11-01T06:30:61"), HasSubstr("second 61"));
  EXPECT_THAT(ParseError("2026-11-01T06:30:00Zjunk"), HasSubstr("expected"));
  EXPECT_THAT(ParseError("2026-11-01T06:30:00+25:00"), HasSubstr("expected"));
  EXPECT_THAT(ParseError("2026-1-01"), HasSubstr("expected"));
  EXPECT_THAT(ParseError("2026-11-01T06"), HasSubstr("expected"));
  EXPECT_THAT(ParseError(""), HasSubstr("expected"));
  EXPECT_THAT(ParseError("2026-11-01", "Mars/Olympus_Mons"), HasSubstr("Mars/Olympus_Mons"));
}

TEST(FormatTest, Iso8601AsAirflowTs) {
  EXPECT_EQ(FormatIso8601(Utc(2026, 11, 1)), "2026-11-01T00:00:00+00:00");
  EXPECT_EQ(FormatIso8601(Utc(2026, 11, 1, 6, 30, 5) + Micros(123)),
            "2026-11-01T06:30:05.000123+00:00");
  EXPECT_EQ(FormatIso8601(TimePoint(seconds(-1))), "1969-12-31T23:59:59+00:00");
  for (std::string_view text : {"2026-11-01T06:30:00+00:00", "2024-02-29T23:59:59.999999+00:00"}) {
    EXPECT_EQ(FormatIso8601(Parse(text)), text);
  }
}

TEST(FormatTest, DatesAsAirflowDs) {
  EXPECT_EQ(FormatDate(Utc(2026, 11, 1, 23, 59, 59)), "2026-11-01");
  EXPECT_EQ(FormatDateNoDash(Utc(2026, 11, 1, 23, 59, 59)), "20261101");
  EXPECT_EQ(FormatDate(Utc(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(FormatDateNoDash(Utc(1999, 1, 9)), "19990109");
}

Micros Dur(std::string_view text) {
  Result<Micros> r = ParseDuration(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ValueOr(Micros(-1));
}

std::string DurError(std::string_view text) {
  Result<Micros> r = ParseDuration(text);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  return r.status().message();
}

TEST(ParseDurationTest, UnitsAndCombinations) {
  EXPECT_EQ(Dur("30s"), seconds(30));
  EXPECT_EQ(Dur("5m"), minutes(5));
  EXPECT_EQ(Dur("2h"), hours(2));
  EXPECT_EQ(Dur("1d"), hours(24));
  EXPECT_EQ(Dur("1h30m"), minutes(90));
  EXPECT_EQ(Dur("1h 30m 5s"), seconds(5405));
  EXPECT_EQ(Dur("1d2h3m4s"), seconds(93784));
  EXPECT_EQ(Dur("1.5h"), minutes(90));
  EXPECT_EQ(Dur("90"), seconds(90));
  EXPECT_EQ(Dur("1.5"), Micros(1500000));
  EXPECT_EQ(Dur("0"), Micros(0));
  EXPECT_EQ(Dur(" 10m "), minutes(10));
}

TEST(ParseDurationTest, ErrorsNameTheText) {
  EXPECT_THAT(DurError(""), HasSubstr("empty duration"));
  EXPECT_THAT(DurError("abc"), HasSubstr("\"abc\""));
  EXPECT_THAT(DurError("5x"), HasSubstr("unknown unit 'x'"));
  EXPECT_THAT(DurError("30m1h"), HasSubstr("from days to seconds"));
  EXPECT_THAT(DurError("1h1h"), HasSubstr("at most once"));
  EXPECT_THAT(DurError("-5s"), HasSubstr("\"-5s\""));
  EXPECT_THAT(DurError("h"), HasSubstr("expected a number"));
  EXPECT_THAT(DurError("1h30"), HasSubstr("no unit"));
  EXPECT_THAT(DurError("1e3"), HasSubstr("\"1e3\""));
  EXPECT_THAT(DurError("99999999999d"), HasSubstr("too long"));
}

TEST(FormatDurationTest, ReadableAndRoundTrips) {
  EXPECT_EQ(FormatDuration(seconds(5405)), "1h 30m 5s");
  EXPECT_EQ(FormatDuration(Micros(0)), "0s");
  EXPECT_EQ(FormatDuration(Micros(1500000)), "1.5s");
  EXPECT_EQ(FormatDuration(Micros(250)), "0.00025s");
  EXPECT_EQ(FormatDuration(hours(24)), "1d");
  EXPECT_EQ(FormatDuration(seconds(90061)), "1d 1h 1m 1s");
  EXPECT_EQ(FormatDuration(hours(2) + seconds(1)), "2h 1s");
  EXPECT_EQ(FormatDuration(-minutes(5)), "-5m");
  for (Micros d : {Micros(1), Micros(1500000), Micros(seconds(93784)), Micros(hours(49))}) {
    EXPECT_EQ(Dur(FormatDuration(d)), d) << FormatDuration(d);
  }
}

TEST(TimeZoneTest, KnownAndUnknownNames) {
  EXPECT_TRUE(CheckTimeZone("UTC").ok());
  EXPECT_TRUE(CheckTimeZone("Europe/Paris").ok());
  EXPECT_TRUE(CheckTimeZone("America/New_York").ok());
  Status st = CheckTimeZone("Nowhere/City");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("\"Nowhere/City\""));
  EXPECT_FALSE(CheckTimeZone("").ok());
}

TEST(NowTest, IsTheSystemClock) {
  const auto before = std::chrono::system_clock::now();
  const TimePoint now = Now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_LE(std::chrono::floor<Micros>(before), now);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace sluice
