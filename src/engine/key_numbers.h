// Identifier strings that are one constant prefix followed by a canonical decimal number
// ("JOB1362684407687", "order-42", "17"): with the prefix fixed, such a string and its number
// determine each other, so a join can compare and index the numbers instead of the strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice::engine {

// At most 18 digits always fit an int64.
inline constexpr size_t kMaxKeyDigits = 18;

// Reads `s` as `prefix` then a canonical number: only digits, at least one, at most
// kMaxKeyDigits, no leading zero unless the number is "0". Canonical, because "JOB07" and
// "JOB7" are different strings and must not map to one number.
inline bool ParsePrefixedNumber(std::string_view s, std::string_view prefix, int64_t* number) {
  if (s.size() <= prefix.size() || s.size() - prefix.size() > kMaxKeyDigits) return false;
  if (std::memcmp(s.data(), prefix.data(), prefix.size()) != 0) return false;
  const char* p = s.data() + prefix.size();
  size_t n = s.size() - prefix.size();
  if (p[0] == '0' && n > 1) return false;
  uint64_t value = 0;
  for (size_t k = 0; k < n; ++k) {
    unsigned digit = static_cast<unsigned char>(p[k]) - unsigned{'0'};
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  *number = static_cast<int64_t>(value);
  return true;
}

// The prefix of `s` if `s` is a prefix then a canonical number (the prefix being everything
// before the trailing digits), else false.
inline bool SplitPrefixedNumber(std::string_view s, std::string_view* prefix, int64_t* number) {
  size_t start = s.size();
  while (start > 0 && s[start - 1] >= '0' && s[start - 1] <= '9') --start;
  *prefix = s.substr(0, start);
  return ParsePrefixedNumber(s, *prefix, number);
}

}  // namespace sluice::engine
