// /login, /logout (the UI's sessions) and /api/v1/auth/* (tokens, who am I).
#include <httplib.h>
#include <sodium.h>

#include "common/logging.h"
#include "web/api_util.h"
#include "web/auth.h"
#include "web/auth_internal.h"
#include "web/auth_service.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

using api::Json;

std::string Cookie(std::string_view name, std::string_view value, bool http_only, Micros max_age,
                   std::string_view path = "/") {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                  "; SameSite=Strict; Max-Age=" +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(max_age).count());
  if (http_only) c += "; HttpOnly";
  return c;
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; object-src 'none'; base-uri 'none'; "
                 "frame-ancestors 'none'; form-action 'self'");
}

// Answers the login page with a fresh login CSRF token in its form and cookie.
void ServeLoginPage(httplib::Response& res, int status, std::string_view next,
                    std::string_view error) {
  std::string csrf = RandomSecret();
  SecurityHeaders(res);
  res.set_header("Set-Cookie",
                 Cookie(kLoginCsrfCookie, csrf, true, std::chrono::hours(1), "/login"));
  res.status = status;
  res.set_content(LoginPage(next, csrf, error), "text/html; charset=utf-8");
}

bool SameSecret(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void PostLogin(const httplib::Request& req, httplib::Response& res, AuthService& auth) {
  std::string next = req.get_param_value("next");
  if (!SameSecret(req.get_param_value("csrf_token"), CookieValue(req, kLoginCsrfCookie))) {
    return ServeLoginPage(res, 403, next, "Your sign-in form expired; please try again.");
  }
  std::string username = req.get_param_value("username");
  AuthService::PasswordCheck check =
      auth.CheckPassword(username, req.get_param_value("password"), req.remote_addr);
  switch (check.verdict) {
    case AuthService::Verdict::kOk:
      break;
    case AuthService::Verdict::kThrottled: {
      int wait = RetryAfterSeconds(check.retry_after);
      res.set_header("Retry-After", std::to_string(wait));
      Log().warn("event=login_throttled user={} client={}", username, req.remote_addr);
      return ServeLoginPage(
          res, 429, next, "Too many failed sign-ins; try again in " + std::to_string(wait) + " s.");
    }
    case AuthService::Verdict::kError:
      return ServeLoginPage(res, 503, next, "The metadata database is unavailable.");
    case AuthService::Verdict::kWrong:
      Log().warn("event=login_failed user={} client={}", username, req.remote_addr);
      return ServeLoginPage(res, 401, next, "Wrong username or password.");
  }
  AuthService::Session session;
  Result<std::string> id = auth.StartSession(check.user.username, &session);
  if (!id.ok()) {
    Log().error("event=session_failed user={} error=\"{}\"", username, id.status().message());
    return ServeLoginPage(res, 503, next, "The metadata database is unavailable.");
  }
  SecurityHeaders(res);
  res.set_header("Set-Cookie", Cookie(kSessionCookie, *id, true, AuthService::kSessionLifetime));
  res.set_header("Set-Cookie",
                 Cookie(kCsrfCookie, session.csrf_token, false, AuthService::kSessionLifetime));
  res.set_header("Set-Cookie", Cookie(kLoginCsrfCookie, "", true, Micros(0), "/login"));
  res.set_redirect(IsLocalPath(next) ? next : "/", 303);
}

void PostLogout(const httplib::Request& req, httplib::Response& res, AuthService& auth) {
  std::string id = CookieValue(req, kSessionCookie);
  Result<std::optional<AuthService::Session>> session = std::optional<AuthService::Session>();
  if (!id.empty()) session = auth.FindSession(id);
  if (!session.ok()) return api::SendError(res, 503, session.status().message());
  if (*session) {
    std::string sent = req.get_header_value("X-CSRF-Token");
    if (sent.empty()) sent = req.get_param_value("csrf_token");
    if (!SameSecret(sent, (*session)->csrf_token)) {
      return api::SendError(res, 403,
                            "logging out needs the session's CSRF token "
                            "(header X-CSRF-Token or form field csrf_token)");
    }
    if (Status st = auth.EndSession(id); !st.ok()) return api::SendError(res, 503, st.message());
  }
  SecurityHeaders(res);
  res.set_header("Set-Cookie", Cookie(kSessionCookie, "", true, Micros(0)));
  res.set_header("Set-Cookie", Cookie(kCsrfCookie, "", false, Micros(0)));
  res.set_redirect("/login", 303);
}

void IssueToken(const httplib::Request&, httplib::Response& res, const Principal& who,
                AuthService& auth) {
  if (who.method != AuthMethod::kBasic) {
    return api::SendError(res, 400, "a token is issued for basic-auth credentials only");
  }
  TimePoint expires;
  Result<std::string> token = auth.IssueToken(who.username, &expires);
  if (!token.ok()) return api::SendError(res, 503, token.status().message());
  res.set_header("Cache-Control", "no-store");
  api::SendJson(
      res, {{"token", *token}, {"token_type", "Bearer"}, {"expires_at", FormatIso8601(expires)}});
}

}  // namespace

void RegisterAuthRoutes(httplib::Server& http, WebContext& ctx) {
  AuthService& auth = InstallAuthService(ctx);
  http.Get("/login", [](const httplib::Request& req, httplib::Response& res) {
    ServeLoginPage(res, 200, req.get_param_value("next"), "");
  });
  http.Post("/login", [&auth](const httplib::Request& req, httplib::Response& res) {
    api::SetCurrentRoute("login");
    PostLogin(req, res, auth);
  });
  http.Post("/logout", [&auth](const httplib::Request& req, httplib::Response& res) {
    PostLogout(req, res, auth);
  });
  api::Route(http, ctx, "POST", "/api/v1/auth/token", "auth_token", Role::kViewer,
             [&auth](const httplib::Request& req, httplib::Response& res, const Principal& who) {
               IssueToken(req, res, who, auth);
             });
  api::Route(http, ctx, "GET", "/api/v1/auth/me", "auth_me", Role::kViewer,
             [](const httplib::Request&, httplib::Response& res, const Principal& who) {
               api::SendJson(res, {{"username", who.username},
                                   {"role", who.role},
                                   {"auth", AuthMethodName(who.method)},
                                   {"csrf_token", who.csrf_token}});
             });
}

}  // namespace sluice::web
