// The REST API under /api/v1/ (issue 5 fills this in): for now the open health check.
#include <httplib.h>

#include "web/routes.h"
#include "web/web_context.h"

namespace sluice::web {

void RegisterApiRoutes(httplib::Server& http, WebContext& ctx) {
  http.Get("/api/v1/health", [&ctx](const httplib::Request&, httplib::Response& res) {
    Status db = ctx.store->Check();
    nlohmann::json body{{"metadatabase", {{"status", db.ok() ? "healthy" : "unhealthy"}}}};
    res.status = db.ok() ? 200 : 503;
    res.set_content(body.dump(), "application/json");
  });
}

}  // namespace sluice::web
