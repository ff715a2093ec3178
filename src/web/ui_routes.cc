// The web UI (issue 5 fills this in).
#include <httplib.h>

#include "web/routes.h"
#include "web/web_context.h"

namespace sluice::web {

void RegisterUiRoutes(httplib::Server& http, WebContext& ctx) {}

}  // namespace sluice::web
