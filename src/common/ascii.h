// ASCII case folding for identifiers, keywords and protocol tokens (HTTP header names, YAML
// keywords, timetable names). Locale-independent on purpose: std::tolower follows the C locale
// and would fold bytes of UTF-8 text differently elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace sluice
