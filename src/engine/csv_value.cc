#include "engine/csv_value.h"

#include <fast_float/fast_float.h>

#include <charconv>

namespace sluice::engine {

namespace {

// std::from_chars and fast_float reject a leading '+', which writers do emit.
std::string_view SkipPlus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+') {
    text.remove_prefix(1);
  }
  return text;
}

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] | 0x20) != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool ParseCsvInt64(std::string_view text, int64_t* out) {
  text = SkipPlus(text);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseCsvDouble(std::string_view text, double* out) {
  text = SkipPlus(text);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = fast_float::from_chars(text.data(), end, *out);
  // fast_float reports out-of-range values as errors but still rounds them to +-inf or 0,
  // which is what a double column should hold.
  return ptr == end && !text.empty() && (ec == std::errc() || ec == std::errc::result_out_of_range);
}

bool ParseCsvBool(std::string_view text, uint8_t* out) {
  if (EqualsLower(text, "true")) {
    *out = 1;
    return true;
  }
  if (EqualsLower(text, "false")) {
    *out = 0;
    return true;
  }
  return false;
}

}  // namespace sluice::engine
