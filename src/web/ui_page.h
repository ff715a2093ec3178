// The UI's HTML shell for one signed-in user: the header shows the name, and the pages disable
// the actions the role may not take (the API enforces roles; the page only avoids offering
// what would be refused).
#pragma once

#include <string>
#include <string_view>

namespace sluice::web {

// Scripts and styles only from the server itself: no inline script can run in a page.
inline constexpr const char* kPageContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

// `shell` (index.html) with the user's name and role in <meta> tags at its
// <!--sluice:user--> marker, HTML-escaped.
std::string RenderShell(std::string_view shell, std::string_view username, std::string_view role);

}  // namespace sluice::web
