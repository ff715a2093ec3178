// The web UI (design.md §10): one HTML shell for every page, which routes between pages in the
// browser, and the files under /static/, all built into the binary (ui_assets.h). Pages need
// a signed-in user: a browser without one is sent to /login?next=<the page>.
#include <httplib.h>

#include <string>

#include "web/auth.h"
#include "web/routes.h"
#include "web/ui_assets.h"
#include "web/ui_page.h"
#include "web/web_context.h"

namespace sluice::web {
namespace {

// Every page the shell answers for; the browser-side router (app.js) knows the same list.
constexpr const char* kPagePatterns[] = {
    "/",
    "/dags",
    R"(/dags/[^/]+)",
    R"(/dags/[^/]+/(grid|graph|gantt|code))",
    R"(/dags/[^/]+/runs/.+/tasks/[^/]+/log)",
    "/clusters",
    R"(/clusters/[^/]+)",
    "/output",
};

void ServeAsset(const httplib::Request& req, httplib::Response& res) {
  std::optional<LoadedAsset> asset = FindUiAsset(req.matches[1].str());
  if (!asset) {
    res.status = 404;
    res.set_content("no such file: " + req.path, "text/plain; charset=utf-8");
    return;
  }
  // Revalidated on every load, so a new binary's UI shows at once; unchanged files cost a 304.
  res.set_header("ETag", asset->etag);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  if (req.get_header_value("If-None-Match") == asset->etag) {
    res.status = 304;
    return;
  }
  res.set_content(asset->body, asset->content_type);
}

void ServePage(const httplib::Request& req, httplib::Response& res, WebContext& ctx) {
  Principal user;
  if (!RequireUiLogin(req, res, ctx, &user)) return;
  std::optional<LoadedAsset> shell = FindUiAsset("index.html");
  if (!shell) {
    res.status = 500;
    res.set_content("this build of sluice has no UI (index.html is missing)", "text/plain");
    return;
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy", kPageContentSecurityPolicy);
  res.set_content(RenderShell(shell->body, user.username, user.role), "text/html; charset=utf-8");
}

}  // namespace

void RegisterUiRoutes(httplib::Server& http, WebContext& ctx) {
  http.Get(R"(/static/(.+))", ServeAsset);
  for (const char* pattern : kPagePatterns) {
    http.Get(pattern, [&ctx](const httplib::Request& req, httplib::Response& res) {
      ServePage(req, res, ctx);
    });
  }
}

}  // namespace sluice::web
