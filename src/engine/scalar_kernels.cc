#include "engine/scalar_kernels.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace sluice::engine {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

double RoundHalfUp(double x, int digits) {
  if (!std::isfinite(x)) return x;
  // Shortest scientific text "d.ddde±x": its digits are the decimal value Spark rounds.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string text(buf, res.ptr);
  bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  size_t e = text.find('e');
  int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  // mantissa digit i has weight 10^(exponent - i); keep digits with weight >= 10^-digits.
  int keep = exponent + digits + 1;
  if (keep >= static_cast<int>(mantissa.size())) return x;
  if (keep < 0) return 0.0;  // BigDecimal has no negative zero
  bool round_up = mantissa[keep] >= '5';
  std::string kept = mantissa.substr(0, keep);
  int exp_out = exponent;
  if (round_up) {
    int i = keep - 1;
    while (i >= 0 && kept[i] == '9') kept[i--] = '0';
    if (i >= 0) {
      kept[i]++;
    } else {
      kept.insert(kept.begin(), '1');
      exp_out++;
    }
  }
  if (kept.find_first_not_of('0') == std::string::npos) return 0.0;
  std::string out = (negative ? "-" : "") + kept.substr(0, 1) + "." +
                    (kept.size() > 1 ? kept.substr(1) : "0") + "e" + std::to_string(exp_out);
  double result = 0;
  fast_float::from_chars(out.data(), out.data() + out.size(), result);
  return result;
}

int64_t RoundHalfUp(int64_t x, int digits) {
  if (digits >= 0) return x;
  int64_t unit = 1;
  for (int i = 0; i < -digits && unit <= INT64_MAX / 10; ++i) unit *= 10;
  int64_t rem = x % unit;
  int64_t base = x - rem;
  if (rem >= 0) return rem * 2 >= unit ? base + unit : base;
  return -rem * 2 >= unit ? base - unit : base;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  s = Trim(s);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  int64_t v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  s = Trim(s);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  double v = 0;
  auto res = fast_float::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  s = Trim(s);
  if (s.size() == 4 && strncasecmp(s.data(), "true", 4) == 0) return true;
  if (s.size() == 5 && strncasecmp(s.data(), "false", 5) == 0) return false;
  return std::nullopt;
}

}  // namespace sluice::engine
