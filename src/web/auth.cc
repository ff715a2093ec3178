#include "web/auth.h"

#include <httplib.h>
#include <sodium.h>

#include "web/api_util.h"
#include "web/auth_internal.h"
#include "web/auth_service.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

// The role as the DB says now: a deleted user's token or session stops working at once.
AuthOutcome ForUser(AuthService& auth, const std::string& username, AuthMethod method,
                    std::string csrf_token) {
  AuthOutcome out;
  auto user = auth.store()->GetUser(username);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kNotFound) {
      out.status = 503;
      out.detail = user.status().message();
    } else {
      out.detail = "user '" + username + "' no longer exists";
    }
    return out;
  }
  out.principal = Principal{user->username, user->role, std::move(csrf_token), method};
  return out;
}

AuthOutcome Unavailable(const Status& st) {
  AuthOutcome out;
  out.status = 503;
  out.detail = st.message();
  return out;
}

AuthOutcome Basic(AuthService& auth, std::string_view encoded, const std::string& client) {
  AuthOutcome out;
  std::optional<std::string> decoded = DecodeBase64(encoded);
  size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    out.detail = "malformed basic credentials";
    return out;
  }
  std::string username = decoded->substr(0, colon);
  AuthService::PasswordCheck check =
      auth.CheckPassword(username, decoded->substr(colon + 1), client);
  switch (check.verdict) {
    case AuthService::Verdict::kOk:
      out.principal = Principal{check.user.username, check.user.role, "", AuthMethod::kBasic};
      break;
    case AuthService::Verdict::kThrottled:
      out.status = 429;
      out.retry_after = check.retry_after;
      out.detail = "too many failed logins; try again in " +
                   std::to_string(RetryAfterSeconds(check.retry_after)) + " s";
      break;
    case AuthService::Verdict::kError:
      out.status = 503;
      out.detail = check.error;
      break;
    case AuthService::Verdict::kWrong:
      out.detail = "wrong username or password";
      break;
  }
  return out;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kOp:
      return "op";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "op") return Role::kOp;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string_view AuthMethodName(AuthMethod method) {
  switch (method) {
    case AuthMethod::kSession:
      return "session";
    case AuthMethod::kBasic:
      return "basic";
    case AuthMethod::kBearer:
      return "bearer";
  }
  return "session";
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  size_t n = req.get_header_value_count("Cookie");
  for (size_t i = 0; i < n; ++i) {
    std::string value = req.get_header_value("Cookie", i);
    std::string_view header = value;
    while (!header.empty()) {
      size_t semi = header.find(';');
      std::string_view pair = header.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
      if (semi == std::string_view::npos) break;
      header.remove_prefix(semi + 1);
    }
  }
  return "";
}

int RetryAfterSeconds(Micros wait) {
  int64_t s = (wait.count() + 999999) / 1000000;
  return static_cast<int>(std::max<int64_t>(1, s));
}

AuthOutcome AuthenticateRequest(const httplib::Request& req, WebContext& ctx) {
  AuthOutcome out;
  AuthService* auth = FindAuthService(ctx);
  if (!auth) {
    out.status = 503;
    out.detail = "authentication is not set up on this server";
    return out;
  }
  std::string header = req.get_header_value("Authorization");
  if (StartsWith(header, "Bearer ")) {
    auto token = auth->FindToken(header.substr(7));
    if (!token.ok()) return Unavailable(token.status());
    if (!*token) {
      out.detail = "unknown or expired bearer token";
      return out;
    }
    return ForUser(*auth, (*token)->username, AuthMethod::kBearer, "");
  }
  if (StartsWith(header, "Basic ")) return Basic(*auth, header.substr(6), req.remote_addr);
  if (!header.empty()) {
    out.detail = "unsupported Authorization scheme: use Basic or Bearer";
    return out;
  }
  std::string session_id = CookieValue(req, kSessionCookie);
  if (!session_id.empty()) {
    auto session = auth->FindSession(session_id);
    if (!session.ok()) return Unavailable(session.status());
    if (*session) {
      return ForUser(*auth, (*session)->username, AuthMethod::kSession, (*session)->csrf_token);
    }
    out.detail = "the session has expired; log in again";
    return out;
  }
  out.detail = "credentials are required: basic auth, a bearer token or a session";
  return out;
}

void SendAuthFailure(const httplib::Request& req, httplib::Response& res,
                     const AuthOutcome& outcome) {
  if (outcome.status == 401 && !req.has_header("X-Requested-With")) {
    res.set_header("WWW-Authenticate", "Basic realm=\"sluice\", charset=\"UTF-8\"");
  }
  if (outcome.status == 429) {
    res.set_header("Retry-After", std::to_string(RetryAfterSeconds(outcome.retry_after)));
  }
  api::SendError(res, outcome.status, outcome.detail);
}

std::optional<Principal> Authenticate(const httplib::Request& req, WebContext& ctx) {
  return AuthenticateRequest(req, ctx).principal;
}

bool MayAct(const Principal& principal, Role needed) {
  std::optional<Role> role = ParseRole(principal.role);
  return role && static_cast<int>(*role) >= static_cast<int>(needed);
}

bool CsrfOk(const httplib::Request& req, const Principal& principal) {
  if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return true;
  if (principal.method != AuthMethod::kSession) return true;
  std::string sent = req.get_header_value("X-CSRF-Token");
  const std::string& want = principal.csrf_token;
  return !want.empty() && sent.size() == want.size() &&
         sodium_memcmp(sent.data(), want.data(), want.size()) == 0;
}

void RedirectToLogin(const httplib::Request& req, httplib::Response& res) {
  res.set_redirect("/login?next=" + httplib::detail::encode_query_param(req.target), 303);
}

bool RequireUiLogin(const httplib::Request& req, httplib::Response& res, WebContext& ctx,
                    Principal* principal) {
  std::optional<Principal> who = Authenticate(req, ctx);
  if (!who) {
    RedirectToLogin(req, res);
    return false;
  }
  if (principal) *principal = std::move(*who);
  return true;
}

}  // namespace sluice::web
