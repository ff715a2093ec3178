// The REST API under /api/v1/ (src/web/API.md), the login endpoints and /metrics. Every
// route but /api/v1/health, /metrics and the login page needs credentials (web/auth.h).
#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>

#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/auth.h"
#include "web/metrics.h"
#include "web/routes.h"
#include "web/scheduler_health.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

// One HttpMetrics per server (by its context), replaced when a server starts afresh.
HttpMetrics& InstallHttpMetrics(const WebContext& ctx) {
  static std::mutex mu;
  static auto* all = new std::map<const WebContext*, std::unique_ptr<HttpMetrics>>();
  std::lock_guard lock(mu);
  auto& slot = (*all)[&ctx];
  slot = std::make_unique<HttpMetrics>();
  return *slot;
}

// Airflow's health: the metadata DB and the scheduler (healthy while its heartbeat is fresh).
// An unhealthy scheduler still answers 200, as Airflow does: the server itself is up.
void Health(const httplib::Request&, httplib::Response& res, WebContext& ctx) {
  api::SetCurrentRoute("health");
  Status db = ctx.store->Check();
  nlohmann::json body{{"metadatabase", {{"status", db.ok() ? "healthy" : "unhealthy"}}}};
  if (!db.ok()) body["metadatabase"]["detail"] = db.message();
  SchedulerHealth scheduler;  // unhealthy, no heartbeat known, unless the DB says otherwise
  if (db.ok()) {
    auto read = ReadSchedulerHealth(*ctx.store, ctx.home.scheduler_health_check_threshold, Now());
    if (read.ok()) scheduler = std::move(*read);
  }
  body["scheduler"] = SchedulerHealthJson(scheduler);
  api::SendJson(res, body, db.ok() ? 200 : 503);
}

}  // namespace

namespace api {

void RegisterApiFallback(httplib::Server& http) {
  auto not_found = [](const httplib::Request& req, httplib::Response& res) {
    SetCurrentRoute("api_unknown");
    SendError(res, 404, "no such API endpoint: " + req.method + " " + req.path);
  };
  const std::string any = "/api/.*";
  http.Get(any, not_found);
  http.Post(any, not_found);
  http.Patch(any, not_found);
  http.Put(any, not_found);
  http.Delete(any, not_found);
}

}  // namespace api

void RegisterApiRoutes(httplib::Server& http, WebContext& ctx) {
  HttpMetrics& metrics = InstallHttpMetrics(ctx);
  InstallRequestMetrics(http, metrics);
  http.Get("/api/v1/health",
           [&ctx](const httplib::Request& req, httplib::Response& res) { Health(req, res, ctx); });
  RegisterMetricsRoutes(http, ctx, metrics);
  RegisterAuthRoutes(http, ctx);
  api::RegisterDagRoutes(http, ctx);
  api::RegisterRunRoutes(http, ctx);
  api::RegisterTaskInstanceRoutes(http, ctx);
  api::RegisterLogRoutes(http, ctx);
  api::RegisterGridRoutes(http, ctx);
  api::RegisterClusterRoutes(http, ctx);
  api::RegisterStorageRoutes(http, ctx);
  api::RegisterUserRoutes(http, ctx);
  api::RegisterApiFallback(http);
}

}  // namespace sluice::web
