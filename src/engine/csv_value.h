// Conversion of CSV field text to typed values: the rules every typed CSV column follows.
// Strict: the whole field must convert; surrounding spaces are not trimmed.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::engine {

// Decimal integer with an optional sign, within int64.
bool ParseCsvInt64(std::string_view text, int64_t* out);
// Decimal or scientific notation with an optional sign; NaN, Infinity and inf in any case.
bool ParseCsvDouble(std::string_view text, double* out);
// true or false in any case.
bool ParseCsvBool(std::string_view text, uint8_t* out);

}  // namespace sluice::engine
