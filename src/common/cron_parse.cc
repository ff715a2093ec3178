// CronExpression::Parse: the five fields, their lists, ranges, steps and names, and Airflow's
// presets, into one bitmask per field.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <vector>

#include "common/cron.h"
#include "common/tz_internal.h"

namespace sluice {
namespace {

struct FieldSpec {
  std::string_view name;
  int min;
  int max;  // 7 for day-of-week: Sunday again, so "1/2" is Mon, Wed, Fri, Sun as in cronie
  const std::array<std::string_view, 12>* names;  // names[i] is value min + i
  std::string_view last_name;
};

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                        "THU", "FRI", "SAT"};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, ""},           {"hour", 0, 23, nullptr, ""},
    {"day-of-month", 1, 31, nullptr, ""},     {"month", 1, 12, &kMonthNames, "DEC"},
    {"day-of-week", 0, 7, &kDayNames, "SAT"},
};

struct Preset {
  std::string_view name;
  std::string_view cron;
};
constexpr Preset kPresets[] = {
    {"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"},  {"@quarterly", "0 0 1 */3 *"},
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
};

char Upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != Upper(b[i])) return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// Errors inside one field; Parse adds the expression.
Status FieldError(const FieldSpec& f, std::string_view why) {
  return Status::InvalidArgument(fmt::format("{}: {}", f.name, why));
}

Result<int> ParseValue(const FieldSpec& f, std::string_view text) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size() && text[0] != '-') {
    if (v < f.min || v > f.max) {
      return FieldError(f, fmt::format("{} is out of range {}-{}", text, f.min, f.max));
    }
    return v;
  }
  if (f.names != nullptr) {
    for (size_t i = 0; i < f.names->size(); ++i) {
      if (!(*f.names)[i].empty() && EqualsNoCase((*f.names)[i], text)) return f.min + int(i);
    }
    return FieldError(f, fmt::format("\"{}\" is not a number {}-{} or a name {}-{}", text, f.min,
                                     f.max, f.names->front(), f.last_name));
  }
  return FieldError(f, fmt::format("\"{}\" is not a number {}-{}", text, f.min, f.max));
}

// One list item: "*", "5", "MON-FRI", "*/15", "1-30/2", "5/10" (= 5-max/10).
Result<uint64_t> ParseItem(const FieldSpec& f, std::string_view item) {
  if (item.empty()) return FieldError(f, "empty item in the list");
  std::vector<std::string_view> parts = Split(item, '/');
  if (parts.size() > 2) return FieldError(f, fmt::format("\"{}\" has more than one '/'", item));
  int step = 1;
  if (parts.size() == 2) {
    std::string_view s = parts[1];
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || step <= 0) {
      return FieldError(f, fmt::format("step \"{}\" in \"{}\" is not a positive number", s, item));
    }
  }
  int lo = f.min, hi = f.max;
  if (parts[0] != "*") {
    std::vector<std::string_view> ends = Split(parts[0], '-');
    if (ends.size() > 2) return FieldError(f, fmt::format("\"{}\" is not a range", parts[0]));
    for (std::string_view end : ends) {
      if (end.empty()) {
        return FieldError(f, fmt::format("\"{}\" is not a value, a range or a step", item));
      }
    }
    ASSIGN_OR_RETURN(lo, ParseValue(f, ends[0]));
    hi = lo;
    if (ends.size() == 2) {
      ASSIGN_OR_RETURN(hi, ParseValue(f, ends[1]));
      if (hi < lo) {
        return FieldError(f, fmt::format("range \"{}\" goes backwards (write the smaller value "
                                         "first)",
                                         parts[0]));
      }
    } else if (parts.size() == 2) {
      hi = f.max;
    }
  }
  uint64_t mask = 0;
  for (int v = lo; v <= hi; v += step) mask |= uint64_t{1} << v;
  return mask;
}

Result<uint64_t> ParseField(const FieldSpec& f, std::string_view text) {
  uint64_t mask = 0;
  for (std::string_view item : Split(text, ',')) {
    ASSIGN_OR_RETURN(uint64_t m, ParseItem(f, item));
    mask |= m;
  }
  return mask;
}

// Whether some selected month has some selected day-of-month (Feb 29 counts): "0 0 30 2 *"
// would otherwise make Next search forever.
bool SomeDayExists(uint32_t days, uint16_t months) {
  constexpr int kLongest[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    if (!(months >> m & 1)) continue;
    if (days & ((uint64_t{1} << (kLongest[m] + 1)) - 2)) return true;
  }
  return false;
}

}  // namespace

Result<CronExpression> CronExpression::Parse(std::string_view text, std::string_view tz) {
  auto fail = [&](const Status& st) {
    return Status::InvalidArgument(fmt::format("cron expression \"{}\": {}", text, st.message()));
  };
  std::vector<std::string_view> fields = SplitWhitespace(text);
  std::string_view body = text;
  if (fields.size() == 1 && EqualsNoCase(fields[0], "@once")) {
    return fail(Status::InvalidArgument("@once is a schedule, not a cron expression"));
  }
  if (fields.size() == 1 && fields[0].front() == '@') {
    body = "";
    for (const Preset& p : kPresets) {
      if (EqualsNoCase(p.name, fields[0])) body = p.cron;
    }
    if (body.empty()) {
      return fail(Status::InvalidArgument(
          "unknown preset (expected @once, @hourly, @daily, @midnight, @weekly, @monthly, "
          "@quarterly, @yearly or @annually)"));
    }
    fields = SplitWhitespace(body);
  }
  if (fields.size() != 5) {
    return fail(Status::InvalidArgument(
        fmt::format("expected 5 fields (minute hour day-of-month month day-of-week), found {}",
                    fields.size())));
  }
  uint64_t masks[5];
  for (int i = 0; i < 5; ++i) {
    Result<uint64_t> m = ParseField(kFields[i], fields[i]);
    if (!m.ok()) return fail(m.status());
    masks[i] = *m;
  }
  CronExpression cron;
  cron.text_ = std::string(text);
  cron.tz_ = std::string(tz.empty() ? "UTC" : tz);
  cron.minutes_ = masks[0];
  cron.hours_ = uint32_t(masks[1]);
  cron.days_of_month_ = uint32_t(masks[2]);
  cron.months_ = uint16_t(masks[3]);
  cron.days_of_week_ = uint8_t((masks[4] | masks[4] >> 7) & 0x7f);  // 7 is Sunday, as 0
  // Vixie cron's rule: a day field counts as restricted unless it is written starting with '*'.
  cron.dom_restricted_ = fields[2].front() != '*';
  cron.dow_restricted_ = fields[4].front() != '*';
  if (!(cron.dom_restricted_ && cron.dow_restricted_) &&
      !SomeDayExists(cron.days_of_month_, cron.months_)) {
    return fail(Status::InvalidArgument(
        fmt::format("day-of-month \"{}\" never occurs in month \"{}\"", fields[2], fields[3])));
  }
  if (!internal::IsUtcName(cron.tz_)) {
    cron.zone_ = internal::FindZone(cron.tz_);
    if (cron.zone_ == nullptr) return CheckTimeZone(cron.tz_);
  }
  return cron;
}

}  // namespace sluice
