// Escaping text for HTML and XML: the login page and UI shell (HTML) and S3 request bodies
// (XML) put user-controlled text inside markup.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Replaces & < > " ' with character references; `apostrophe` is what ' becomes ("&#39;" for
// HTML, which has no &apos; in HTML 4, "&apos;" for XML).
std::string EscapeMarkup(std::string_view text, std::string_view apostrophe = "&#39;");

inline std::string EscapeHtml(std::string_view text) { return EscapeMarkup(text); }

}  // namespace sluice
