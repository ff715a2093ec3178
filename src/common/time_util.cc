#include "common/time_util.h"

#include <fmt/format.h>

#include <exception>

#include "common/tz_internal.h"

namespace sluice {
namespace internal {

const date::time_zone* FindZone(std::string_view tz) {
  if (tz.empty()) return nullptr;
  try {
    return date::locate_zone(tz);
  } catch (const std::exception&) {
    return nullptr;  // unknown name, or no tz database on this machine
  }
}

bool IsUtcName(std::string_view tz) { return tz == "UTC" || tz == "Etc/UTC"; }

}  // namespace internal

namespace {

constexpr std::string_view kExpected =
    "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]] with an optional Z or +HH:MM offset";

// The fields of one date-time text, as written.
struct Parts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  bool has_offset = false;
  int offset_minutes = 0;  // east of UTC
};

// A cursor over the text; each Read* consumes on success only.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  bool ReadDigits(int n, int* out) {
    if (i_ + n > s_.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = s_[i_ + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i_ += n;
    *out = v;
    return true;
  }
  // Fractional seconds: 1 to 9 digits, kept to microseconds (the rest is truncated).
  bool ReadFraction(int64_t* micros) {
    int64_t v = 0;
    int n = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      if (n < 6) v = v * 10 + (Peek() - '0');
      ++n;
      ++i_;
    }
    if (n == 0 || n > 9) return false;
    for (int k = n; k < 6; ++k) v *= 10;
    *micros = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool ReadOffset(Scanner& sc, Parts* p) {
  if (sc.Accept('Z') || sc.Accept('z')) {
    p->has_offset = true;
    return true;
  }
  int sign = sc.Accept('+') ? 1 : sc.Accept('-') ? -1 : 0;
  if (sign == 0) return true;  // no offset
  int hh = 0, mm = 0;
  if (!sc.ReadDigits(2, &hh)) return false;
  if (sc.Accept(':')) {
    if (!sc.ReadDigits(2, &mm)) return false;
  } else if (!sc.AtEnd() && !sc.ReadDigits(2, &mm)) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  p->has_offset = true;
  p->offset_minutes = sign * (hh * 60 + mm);
  return true;
}

// The syntax only; ranges are checked by CheckRanges so the message can say which field.
bool Scan(std::string_view text, Parts* p) {
  Scanner sc(text);
  if (!sc.ReadDigits(4, &p->year) || !sc.Accept('-') || !sc.ReadDigits(2, &p->month) ||
      !sc.Accept('-') || !sc.ReadDigits(2, &p->day)) {
    return false;
  }
  if (sc.AtEnd()) return true;
  if (!sc.Accept('T') && !sc.Accept('t') && !sc.Accept(' ')) return false;
  if (!sc.ReadDigits(2, &p->hour) || !sc.Accept(':') || !sc.ReadDigits(2, &p->minute)) {
    return false;
  }
  if (sc.Accept(':')) {
    if (!sc.ReadDigits(2, &p->second)) return false;
    if (sc.Accept('.') && !sc.ReadFraction(&p->micros)) return false;
  }
  if (!ReadOffset(sc, p)) return false;
  return sc.AtEnd();
}

std::string CheckRanges(const Parts& p) {
  date::year_month_day ymd{date::year{p.year}, date::month(p.month), date::day(p.day)};
  if (p.month < 1 || p.month > 12) return fmt::format("month {} is out of range 1-12", p.month);
  if (!ymd.ok()) return fmt::format("day {} does not exist in {:04}-{:02}", p.day, p.year, p.month);
  if (p.hour > 23) return fmt::format("hour {} is out of range 0-23", p.hour);
  if (p.minute > 59) return fmt::format("minute {} is out of range 0-59", p.minute);
  if (p.second > 59) return fmt::format("second {} is out of range 0-59", p.second);
  return "";
}

}  // namespace

TimePoint Now() { return std::chrono::floor<Micros>(std::chrono::system_clock::now()); }

Result<TimePoint> ParseTimePoint(std::string_view text, std::string_view tz) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  Parts p;
  if (!Scan(text, &p)) {
    return Status::InvalidArgument(fmt::format("invalid date-time \"{}\": {}", text, kExpected));
  }
  if (std::string why = CheckRanges(p); !why.empty()) {
    return Status::InvalidArgument(fmt::format("invalid date-time \"{}\": {}", text, why));
  }
  const date::local_days day{date::year{p.year} / p.month / p.day};
  const date::local_time<Micros> local = day + std::chrono::hours(p.hour) +
                                         std::chrono::minutes(p.minute) +
                                         std::chrono::seconds(p.second) + Micros(p.micros);
  if (p.has_offset) {
    return TimePoint(local.time_since_epoch() - std::chrono::minutes(p.offset_minutes));
  }
  if (tz.empty() || internal::IsUtcName(tz)) return TimePoint(local.time_since_epoch());
  const date::time_zone* zone = internal::FindZone(tz);
  if (zone == nullptr) return CheckTimeZone(tz);
  // A repeated wall time means its first occurrence; a skipped one is read with the offset in
  // force just before the jump (02:30 on a spring-forward night is 03:30 after it).
  const date::local_info info = zone->get_info(std::chrono::floor<std::chrono::seconds>(local));
  return TimePoint(local.time_since_epoch() - info.first.offset);
}

std::string FormatIso8601(TimePoint t) {
  const auto day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Micros> hms{t - day};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                                hms.minutes().count(), hms.seconds().count());
  if (hms.subseconds().count() != 0) out += fmt::format(".{:06}", hms.subseconds().count());
  return out + "+00:00";
}

std::string FormatDate(TimePoint t) {
  const date::year_month_day ymd{std::chrono::floor<date::days>(t)};
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

std::string FormatDateNoDash(TimePoint t) {
  const date::year_month_day ymd{std::chrono::floor<date::days>(t)};
  return fmt::format("{:04}{:02}{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

Status CheckTimeZone(std::string_view tz) {
  if (internal::IsUtcName(tz) || internal::FindZone(tz) != nullptr) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "unknown time zone \"{}\" (expected an IANA name such as UTC or Europe/Paris)", tz));
}

}  // namespace sluice
