#include "engine/scalar_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace sluice::engine {
namespace {

// ---- RoundHalfUp on doubles: HALF_UP on the shortest decimal text (Spark) -----------------

TEST(RoundHalfUpDoubleTest, HalvesRoundAwayFromZero) {
  EXPECT_EQ(RoundHalfUp(2.5, 0), 3.0);
  EXPECT_EQ(RoundHalfUp(-2.5, 0), -3.0);
  EXPECT_EQ(RoundHalfUp(0.5, 0), 1.0);
  EXPECT_EQ(RoundHalfUp(-0.5, 0), -1.0);
  EXPECT_EQ(RoundHalfUp(1.5, 0), 2.0);
  EXPECT_EQ(RoundHalfUp(2.4, 0), 2.0);
  EXPECT_EQ(RoundHalfUp(-2.4, 0), -2.0);
}

TEST(RoundHalfUpDoubleTest, UsesTheShortestDecimalTextNotTheBinaryValue) {
  // 0.125 is exact in binary; 1.005 and 2.675 are slightly below their text in binary, so a
  // binary rounding would give 1.0 and 2.67. Spark reads the text "1.005" and gives 1.01.
  EXPECT_EQ(RoundHalfUp(0.125, 2), 0.13);
  EXPECT_EQ(RoundHalfUp(1.005, 2), 1.01);
  EXPECT_EQ(RoundHalfUp(2.675, 2), 2.68);
  EXPECT_EQ(RoundHalfUp(-1.005, 2), -1.01);
  EXPECT_EQ(RoundHalfUp(1.0049999, 3), 1.005);
  EXPECT_EQ(RoundHalfUp(1.0049999, 2), 1.0);
  EXPECT_EQ(RoundHalfUp(0.1 + 0.2, 2), 0.3);
  // The double just below 1.5 prints as 1.4999999999999998: it rounds down.
  EXPECT_EQ(RoundHalfUp(std::nextafter(1.5, 0.0), 0), 1.0);
}

TEST(RoundHalfUpDoubleTest, CarriesThroughNines) {
  EXPECT_EQ(RoundHalfUp(9.995, 2), 10.0);
  EXPECT_EQ(RoundHalfUp(0.9999, 3), 1.0);
  EXPECT_EQ(RoundHalfUp(-99.96, 1), -100.0);
  EXPECT_EQ(RoundHalfUp(0.005, 2), 0.01);  // the kept part is empty before the carry
}

TEST(RoundHalfUpDoubleTest, ValuesWithFewerDigitsThanAskedAreUnchanged) {
  EXPECT_EQ(RoundHalfUp(1.25, 4), 1.25);
  EXPECT_EQ(RoundHalfUp(123.0, 2), 123.0);
  EXPECT_EQ(RoundHalfUp(0.0, 3), 0.0);
  EXPECT_EQ(RoundHalfUp(1e-20, 25), 1e-20);
}

TEST(RoundHalfUpDoubleTest, LargeValues) {
  EXPECT_EQ(RoundHalfUp(123456789012.345, 2), 123456789012.35);
  EXPECT_EQ(RoundHalfUp(1e20, 2), 1e20);
  EXPECT_EQ(RoundHalfUp(1.5e300, -300), 2e300);
  double max = std::numeric_limits<double>::max();
  EXPECT_EQ(RoundHalfUp(max, 4), max);
  EXPECT_EQ(RoundHalfUp(-max, 0), -max);
}

TEST(RoundHalfUpDoubleTest, TinyValuesRoundToZero) {
  EXPECT_EQ(RoundHalfUp(1e-10, 2), 0.0);
  EXPECT_EQ(RoundHalfUp(0.004, 2), 0.0);
  EXPECT_EQ(RoundHalfUp(0.0005, 2), 0.0);
  EXPECT_EQ(RoundHalfUp(std::numeric_limits<double>::denorm_min(), 10), 0.0);
  EXPECT_EQ(RoundHalfUp(0.00005, 4), 0.0001);
}

TEST(RoundHalfUpDoubleTest, NegativeResultsThatRoundToZeroArePositiveZero) {
  // Spark rounds through java.math.BigDecimal, which has no negative zero: round(-0.4)
  // is 0.0 and is written as "0.0", not "-0.0".
  EXPECT_FALSE(std::signbit(RoundHalfUp(-0.4, 0)));
  EXPECT_FALSE(std::signbit(RoundHalfUp(-0.001, 2)));
  EXPECT_FALSE(std::signbit(RoundHalfUp(-1e-10, 4)));
  EXPECT_EQ(RoundHalfUp(-0.4, 0), 0.0);
}

TEST(RoundHalfUpDoubleTest, NegativeDigitsRoundToTensHundredsAndMore) {
  EXPECT_EQ(RoundHalfUp(1234.5678, -2), 1200.0);
  EXPECT_EQ(RoundHalfUp(1250.0, -2), 1300.0);
  EXPECT_EQ(RoundHalfUp(-1250.0, -2), -1300.0);
  EXPECT_EQ(RoundHalfUp(1249.99, -2), 1200.0);
  EXPECT_EQ(RoundHalfUp(950.0, -2), 1000.0);
  EXPECT_EQ(RoundHalfUp(49.0, -2), 0.0);
  EXPECT_EQ(RoundHalfUp(50.0, -2), 100.0);
  EXPECT_EQ(RoundHalfUp(15.0, -1), 20.0);
}

TEST(RoundHalfUpDoubleTest, NonFiniteValuesPassThrough) {
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(RoundHalfUp(inf, 2), inf);
  EXPECT_EQ(RoundHalfUp(-inf, 0), -inf);
  EXPECT_TRUE(std::isnan(RoundHalfUp(std::nan(""), 2)));
}

// ---- RoundHalfUp on integers ---------------------------------------------------------------

TEST(RoundHalfUpIntTest, NonNegativeDigitsLeaveTheValue) {
  EXPECT_EQ(RoundHalfUp(int64_t{7}, 0), 7);
  EXPECT_EQ(RoundHalfUp(int64_t{-7}, 3), -7);
  EXPECT_EQ(RoundHalfUp(std::numeric_limits<int64_t>::max(), 2),
            std::numeric_limits<int64_t>::max());
}

TEST(RoundHalfUpIntTest, NegativeDigitsRoundHalfUpAwayFromZero) {
  EXPECT_EQ(RoundHalfUp(int64_t{1250}, -2), 1300);
  EXPECT_EQ(RoundHalfUp(int64_t{1249}, -2), 1200);
  EXPECT_EQ(RoundHalfUp(int64_t{-1250}, -2), -1300);
  EXPECT_EQ(RoundHalfUp(int64_t{-1249}, -2), -1200);
  EXPECT_EQ(RoundHalfUp(int64_t{15}, -1), 20);
  EXPECT_EQ(RoundHalfUp(int64_t{-15}, -1), -20);
  EXPECT_EQ(RoundHalfUp(int64_t{-5}, -1), -10);
  EXPECT_EQ(RoundHalfUp(int64_t{4}, -1), 0);
  EXPECT_EQ(RoundHalfUp(int64_t{0}, -5), 0);
  EXPECT_EQ(RoundHalfUp(int64_t{499}, -3), 0);
  EXPECT_EQ(RoundHalfUp(int64_t{500}, -3), 1000);
}

TEST(RoundHalfUpIntTest, DigitsBeyondTheRangeOfInt64GiveZero) {
  EXPECT_EQ(RoundHalfUp(int64_t{123456789}, -20), 0);
  EXPECT_EQ(RoundHalfUp(int64_t{-123456789}, -30), 0);
}

// ---- Parsing ------------------------------------------------------------------------------

TEST(ParseInt64Test, AcceptsWholeIntegersWithSurroundingSpaces) {
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("+42"), 42);
  EXPECT_EQ(ParseInt64("  7 "), 7);
  EXPECT_EQ(ParseInt64("\t7\t"), 7);
  EXPECT_EQ(ParseInt64("-0"), 0);
  EXPECT_EQ(ParseInt64("007"), 7);
  EXPECT_EQ(ParseInt64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseInt64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64Test, RejectsAnythingElse) {
  for (const char* s : {"", " ", "+", "-", "1.0", "1e3", "12abc", "abc", "1 2", "0x10", "1,000",
                        "9223372036854775808", "-9223372036854775809", "\n1"}) {
    EXPECT_EQ(ParseInt64(s), std::nullopt) << "'" << s << "'";
  }
}

TEST(ParseInt64Test, RejectsTwoSigns) {
  EXPECT_EQ(ParseInt64("+-1"), std::nullopt);
  EXPECT_EQ(ParseInt64("++1"), std::nullopt);
  EXPECT_EQ(ParseInt64("--1"), std::nullopt);
}

TEST(ParseDoubleTest, AcceptsDecimalAndScientificText) {
  EXPECT_EQ(ParseDouble("1.5"), 1.5);
  EXPECT_EQ(ParseDouble("-2.25"), -2.25);
  EXPECT_EQ(ParseDouble("+3"), 3.0);
  EXPECT_EQ(ParseDouble(".5"), 0.5);
  EXPECT_EQ(ParseDouble("5."), 5.0);
  EXPECT_EQ(ParseDouble("1e3"), 1000.0);
  EXPECT_EQ(ParseDouble("1.5E-2"), 0.015);
  EXPECT_EQ(ParseDouble(" 12.7 "), 12.7);
  EXPECT_EQ(ParseDouble("0.1"), 0.1);  // correctly rounded
  EXPECT_EQ(ParseDouble("1.7976931348623157e308"), std::numeric_limits<double>::max());
}

TEST(ParseDoubleTest, AcceptsInfinityAndNaNAsSparkDoes) {
  EXPECT_EQ(ParseDouble("Infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseDouble("-inf"), -std::numeric_limits<double>::infinity());
  auto nan = ParseDouble("NaN");
  ASSERT_TRUE(nan.has_value());
  EXPECT_TRUE(std::isnan(*nan));
}

TEST(ParseDoubleTest, RejectsAnythingElse) {
  for (const char* s :
       {"", "  ", ".", "-", "e3", "1e", "1.5x", "abc", "1,5", "1 5", "0x1p3", "1_000"}) {
    EXPECT_EQ(ParseDouble(s), std::nullopt) << "'" << s << "'";
  }
}

TEST(ParseDoubleTest, RejectsTwoSigns) {
  EXPECT_EQ(ParseDouble("+-1.5"), std::nullopt);
  EXPECT_EQ(ParseDouble("++1.5"), std::nullopt);
}

TEST(ParseBoolTest, AcceptsTrueAndFalseInAnyCase) {
  EXPECT_EQ(ParseBool("true"), true);
  EXPECT_EQ(ParseBool("FALSE"), false);
  EXPECT_EQ(ParseBool(" True "), true);
  EXPECT_EQ(ParseBool("\tfAlSe"), false);
}

TEST(ParseBoolTest, RejectsOtherSpellings) {
  for (const char* s : {"", " ", "1", "0", "t", "f", "yes", "no", "truee", "tru", "true false"}) {
    EXPECT_EQ(ParseBool(s), std::nullopt) << "'" << s << "'";
  }
}

}  // namespace
}  // namespace sluice::engine
