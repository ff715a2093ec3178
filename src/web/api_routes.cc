// The REST API under /api/v1/ (src/web/API.md), the login endpoints and /metrics. Every
// route but /api/v1/health, /metrics and the login page needs credentials (web/auth.h).
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/auth.h"
#include "web/metrics.h"
#include "web/routes.h"
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

// httplib 0.11 answers each connection on one pool thread for as long as it is kept alive, so
// the pool must cover the clients' connections (its default is 8 threads); kept-alive
// connections are limited by idleness (5 s) only, not by a count, so that clients do not all
// reconnect together. Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add 40 ms to
// most responses. (Server-wide settings: server.cc may take them over.)
void TuneForLoad(httplib::Server& http) {
  constexpr size_t kThreads = 64;
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  http.set_keep_alive_max_count(1000000);
  http.set_tcp_nodelay(true);
}

// httplib listens with a backlog of 5, compiled into the library with no setting for it: 50
// clients connecting at once overflow it, and each dropped handshake costs a 1 s (then 2 s)
// retransmit. Linux lets listen() be called again on a listening socket to change its
// backlog, so the socket is remembered when httplib creates it and widened at the first
// request (server.cc could do it right after binding instead).
std::function<void()> WidenListenBacklog(httplib::Server& http) {
  struct Listener {
    std::atomic<int> fd{-1};
    std::once_flag widened;
  };
  auto listener = std::make_shared<Listener>();
  http.set_socket_options([listener](socket_t sock) {
    httplib::default_socket_options(sock);
    listener->fd = sock;
  });
  return [listener] {
    std::call_once(listener->widened, [&] {
      if (listener->fd >= 0) ::listen(listener->fd, SOMAXCONN);
    });
  };
}

void Health(const httplib::Request&, httplib::Response& res, WebContext& ctx) {
  api::SetCurrentRoute("health");
  Status db = ctx.store->Check();
  nlohmann::json body{{"metadatabase", {{"status", db.ok() ? "healthy" : "unhealthy"}}}};
  if (!db.ok()) body["metadatabase"]["detail"] = db.message();
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
  TuneForLoad(http);
  HttpMetrics& metrics = InstallHttpMetrics(ctx);
  InstallRequestMetrics(http, metrics, WidenListenBacklog(http));
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
