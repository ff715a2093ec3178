// Value-level helpers shared by expression evaluation and operators: Spark's rounding,
// string <-> number conversion, and typed comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

// Spark's round(x, d) on a double: HALF_UP on the shortest decimal text of x.
double RoundHalfUp(double x, int digits);
// round(x, d) on an integer: d >= 0 leaves it; d < 0 rounds HALF_UP to 10^-d.
int64_t RoundHalfUp(int64_t x, int digits);

// Whole-string conversions; surrounding spaces are allowed, nothing else.
std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
std::optional<bool> ParseBool(std::string_view s);

}  // namespace sluice::engine
