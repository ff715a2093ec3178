// Who is making a request (design.md §9, issue 5): users from the metadata DB with roles admin,
// op and viewer, authenticated by a bearer token, HTTP basic auth or the UI's session cookie.
// The REST API and the UI pages both ask Authenticate(); src/web/API.md is the full contract.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sluice::web {

struct WebContext;

// Ordered: each role may do what the ones before it may.
enum class Role { kViewer, kOp, kAdmin };
std::string_view RoleName(Role role);  // "viewer", "op", "admin"
std::optional<Role> ParseRole(std::string_view name);

enum class AuthMethod { kSession, kBasic, kBearer };
std::string_view AuthMethodName(AuthMethod method);  // "session", "basic", "bearer"

struct Principal {
  std::string username;
  std::string role;        // "admin", "op" or "viewer", as the metadata DB says now
  std::string csrf_token;  // the session's (what X-CSRF-Token must carry); empty otherwise
  AuthMethod method = AuthMethod::kSession;
};

// The user behind the request's credentials (Authorization: Bearer / Basic, else the
// sluice_session cookie), or nullopt when there are none, they are wrong, expired, throttled,
// or the user no longer exists.
std::optional<Principal> Authenticate(const httplib::Request& req, WebContext& ctx);

// Whether the principal's role allows what `needed` may do.
bool MayAct(const Principal& principal, Role needed);

// Whether a request may change state on behalf of the principal: true for GET/HEAD and for
// basic or bearer credentials; for a session, only when X-CSRF-Token equals its token.
bool CsrfOk(const httplib::Request& req, const Principal& principal);

// For UI pages: true (and *principal filled) when the request has a valid session or other
// credentials; otherwise answers 303 to /login?next=<path and query> and returns false.
bool RequireUiLogin(const httplib::Request& req, httplib::Response& res, WebContext& ctx,
                    Principal* principal);
void RedirectToLogin(const httplib::Request& req, httplib::Response& res);

// GET/POST /login, POST /logout, POST /api/v1/auth/token, GET /api/v1/auth/me; and the
// in-memory sessions, tokens and login throttle that Authenticate uses for `ctx`.
void RegisterAuthRoutes(httplib::Server& http, WebContext& ctx);

}  // namespace sluice::web
