#include "web/ui_page.h"
#include "common/markup_escape.h"

namespace sluice::web {
namespace {

constexpr std::string_view kUserMarker = "<!--sluice:user-->";


}  // namespace

std::string RenderShell(std::string_view shell, std::string_view username, std::string_view role) {
  std::string meta = "<meta name=\"sluice-user\" content=\"" + EscapeHtml(username) +
                     "\">\n<meta name=\"sluice-role\" content=\"" + EscapeHtml(role) + "\">";
  std::string out(shell);
  size_t at = out.find(kUserMarker);
  if (at != std::string::npos) out.replace(at, kUserMarker.size(), meta);
  return out;
}

}  // namespace sluice::web
