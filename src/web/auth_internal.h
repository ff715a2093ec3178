// Authentication details shared by the API's routes and the login endpoints (private to
// src/web): why a request has no principal, and how that is answered.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time_util.h"
#include "web/auth.h"

namespace sluice::web {

inline constexpr std::string_view kSessionCookie = "sluice_session";
inline constexpr std::string_view kCsrfCookie = "sluice_csrf";
inline constexpr std::string_view kLoginCsrfCookie = "sluice_login_csrf";

struct AuthOutcome {
  std::optional<Principal> principal;
  int status = 401;  // when there is none: 401, 429 (throttled) or 503 (the DB failed)
  std::string detail;
  Micros retry_after{0};
};

AuthOutcome AuthenticateRequest(const httplib::Request& req, WebContext& ctx);

// 401/429/503 in the API's error shape; 401 adds WWW-Authenticate: Basic unless the request
// carries X-Requested-With (a page's fetch: no browser password dialog then).
void SendAuthFailure(const httplib::Request& req, httplib::Response& res,
                     const AuthOutcome& outcome);

// The value of cookie `name` in the request's Cookie headers, "" when absent.
std::string CookieValue(const httplib::Request& req, std::string_view name);

// Whole seconds to wait, rounded up, at least 1.
int RetryAfterSeconds(Micros wait);

}  // namespace sluice::web

namespace sluice::web {

// The sign-in page: a form posting username, password, next and csrf_token to /login.
// `error` (plain text) is shown above the form when not empty. Everything is HTML-escaped.
std::string LoginPage(std::string_view next, std::string_view csrf_token, std::string_view error);

// Whether `next` is a path on this server ("/dags?x=1"), not another origin ("//evil",
// "https://...", "/\evil").
bool IsLocalPath(std::string_view next);

}  // namespace sluice::web
