#include "engine/csv_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/csv_options.h"

namespace sluice::engine {
namespace {

TEST(CsvValueTest, Int64) {
  int64_t v = 0;
  EXPECT_TRUE(ParseCsvInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseCsvInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(ParseCsvInt64("+7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseCsvInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  for (const char* bad :
       {"", "+", "-", "1.5", " 1", "1 ", "abc", "9223372036854775808", "+-1", "1e3", "0x10"}) {
    EXPECT_FALSE(ParseCsvInt64(bad, &v)) << bad;
  }
}

TEST(CsvValueTest, Double) {
  double v = 0;
  EXPECT_TRUE(ParseCsvDouble("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(ParseCsvDouble("-2e-3", &v));
  EXPECT_EQ(v, -2e-3);
  EXPECT_TRUE(ParseCsvDouble("+.5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseCsvDouble("42", &v));
  EXPECT_EQ(v, 42.0);
  EXPECT_TRUE(ParseCsvDouble("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(ParseCsvDouble("Infinity", &v));
  EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(ParseCsvDouble("-inf", &v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(ParseCsvDouble("1e400", &v));
  EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  for (const char* bad : {"", "+", "1.5x", " 1", "1 ", "abc", "1,5", "--1"}) {
    EXPECT_FALSE(ParseCsvDouble(bad, &v)) << bad;
  }
}

TEST(CsvValueTest, Bool) {
  uint8_t v = 2;
  EXPECT_TRUE(ParseCsvBool("true", &v));
  EXPECT_EQ(v, 1);
  EXPECT_TRUE(ParseCsvBool("FALSE", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseCsvBool("TrUe", &v));
  EXPECT_EQ(v, 1);
  for (const char* bad : {"", "1", "0", "yes", "t", "true ", "truee", "fals"}) {
    EXPECT_FALSE(ParseCsvBool(bad, &v)) << bad;
  }
}

TEST(CsvValueTest, MalformedModeNames) {
  for (auto mode :
       {MalformedMode::kFailFast, MalformedMode::kDropMalformed, MalformedMode::kPermissive}) {
    auto parsed = ParseMalformedMode(MalformedModeName(mode));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, mode);
  }
  EXPECT_EQ(*ParseMalformedMode("FAILFAST"), MalformedMode::kFailFast);
  EXPECT_EQ(*ParseMalformedMode("DropMalformed"), MalformedMode::kDropMalformed);
  auto bad = ParseMalformedMode("lenient");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'lenient'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::engine
