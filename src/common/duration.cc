// ParseDuration and FormatDuration of time_util.h: the duration forms of DAG files
// ("30s", "5m", "2h", "1d", "1h30m", plain seconds) and their text for messages.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "common/time_util.h"

namespace sluice {
namespace {

constexpr std::string_view kForms = "write e.g. 30s, 5m, 2h, 1d, 1h30m or a number of seconds";
// Beyond this (about 3,000 years) a duration is surely a typo, and int64 micros stay safe.
constexpr double kMaxMicros = 1e17;

struct Unit {
  char name;
  int64_t micros;
};
// In the only order a combination may use them.
constexpr Unit kUnits[] = {
    {'d', 86'400'000'000LL}, {'h', 3'600'000'000LL}, {'m', 60'000'000LL}, {'s', 1'000'000LL}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads "12" or "1.5" at the front of `s`; digits only, so no sign and no exponent.
bool ReadNumber(std::string_view* s, double* out) {
  size_t n = 0;
  while (n < s->size() && IsDigit((*s)[n])) ++n;
  if (n == 0) return false;
  if (n < s->size() && (*s)[n] == '.') {
    size_t frac = n + 1;
    while (frac < s->size() && IsDigit((*s)[frac])) ++frac;
    if (frac == n + 1) return false;
    n = frac;
  }
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + n, *out);
  if (ec != std::errc()) return false;
  s->remove_prefix(n);
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Bad(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(fmt::format("\"{}\": {} ({})", text, why, kForms));
}

}  // namespace

Result<Micros> ParseDuration(std::string_view text) {
  const std::string_view all = Trim(text);
  if (all.empty()) return Status::InvalidArgument(fmt::format("empty duration ({})", kForms));
  std::string_view rest = all;
  double value = 0;
  if (ReadNumber(&rest, &value) && rest.empty()) {
    if (value * 1e6 > kMaxMicros) return Bad(all, "is too long");
    return Micros(std::llround(value * 1e6));
  }
  rest = all;
  double total = 0;
  size_t next_unit = 0;  // index into kUnits: units must come in descending order
  while (!rest.empty()) {
    if (!ReadNumber(&rest, &value)) {
      return Bad(all, fmt::format("expected a number at \"{}\"", rest));
    }
    if (rest.empty()) return Bad(all, fmt::format("the number {} has no unit", value));
    const char u = rest.front();
    size_t k = 0;
    while (k < std::size(kUnits) && kUnits[k].name != u) ++k;
    if (k == std::size(kUnits)) {
      return Bad(all, fmt::format("unknown unit '{}' (expected d, h, m or s)", u));
    }
    if (k < next_unit) return Bad(all, "units must go from days to seconds, each at most once");
    next_unit = k + 1;
    total += value * double(kUnits[k].micros);
    rest = Trim(rest.substr(1));
  }
  if (total > kMaxMicros) return Bad(all, "is too long");
  return Micros(std::llround(total));
}

std::string FormatDuration(Micros d) {
  std::string out;
  int64_t us = d.count();
  if (us < 0) {
    out = "-";
    us = -us;
  }
  std::string parts;
  for (const Unit& unit : kUnits) {
    if (unit.name == 's') break;
    const int64_t n = us / unit.micros;
    us %= unit.micros;
    if (n != 0) parts += fmt::format("{}{} ", n, unit.name);
  }
  if (us != 0 || parts.empty()) {
    // Whole seconds print plainly; a fraction prints with as many digits as it needs.
    std::string secs = fmt::format("{}.{:06}", us / 1'000'000, us % 1'000'000);
    while (secs.back() == '0') secs.pop_back();
    if (secs.back() == '.') secs.pop_back();
    parts += secs + "s";
  } else {
    parts.pop_back();  // the trailing space
  }
  return out + parts;
}

}  // namespace sluice
