// Who may do what: each role (admin, op, viewer, anonymous) on each state-changing endpoint,
// bearer tokens, UI sessions with their CSRF token, the login throttle, and no password or
// hash in any answer.
#include <thread>

#include "orchestrator/sqlite_store.h"
#include "server_process.h"
#include "web/auth_service.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

// The value of cookie `name` among a reply's Set-Cookie headers, and its attributes.
std::string SetCookie(const HttpReply& r, const std::string& name) {
  auto range = r.headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.rfind(name + "=", 0) == 0) return it->second;
  }
  return "";
}

std::string CookieValueOf(const std::string& set_cookie) {
  size_t eq = set_cookie.find('='), semi = set_cookie.find(';');
  return set_cookie.substr(eq + 1, semi - eq - 1);
}

// The login form's hidden csrf_token.
std::string FormToken(const std::string& html) {
  std::smatch m;
  std::regex re(R"re(name="csrf_token" value="([^"]+)")re");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

class Auth : public ApiServer {
 protected:
  struct Session {
    std::string cookie;  // for a Cookie header
    std::string csrf;
  };

  // GET /login then POST /login as `user`; the reply of the POST in *reply.
  Session Login(const std::string& user, const std::string& password, Reply* reply = nullptr,
                const std::string& next = "/dags") {
    Reply page = Http("GET", "/login?next=" + httplib::detail::encode_query_param(next));
    EXPECT_EQ(page.status, 200);
    std::string login_csrf = CookieValueOf(SetCookie(page, "sluice_login_csrf"));
    std::string form = "username=" + httplib::detail::encode_query_param(user) +
                       "&password=" + httplib::detail::encode_query_param(password) +
                       "&csrf_token=" + FormToken(page.body) +
                       "&next=" + httplib::detail::encode_query_param(next);
    Reply r = Http("POST", "/login", form, {{"Cookie", "sluice_login_csrf=" + login_csrf}},
                   "application/x-www-form-urlencoded");
    if (reply) *reply = r;
    Session s;
    std::string session = CookieValueOf(SetCookie(r, "sluice_session"));
    s.csrf = CookieValueOf(SetCookie(r, "sluice_csrf"));
    s.cookie = "sluice_session=" + session + "; sluice_csrf=" + s.csrf;
    return s;
  }
};

// The state-changing endpoints, each with a body that succeeds for a role allowed to act.
struct Action {
  std::string method;
  std::string path;
  std::string body;
  std::string least_role;  // op or admin
};

std::vector<Action> Actions(const std::string& suffix) {
  std::string run = kHelloRun;
  return {
      {"PATCH", "/api/v1/dags/hello", R"({"is_paused": true})", "op"},
      {"POST", "/api/v1/dags/hello/dagRuns", R"({"dag_run_id": "by_)" + suffix + R"("})", "op"},
      {"POST", "/api/v1/dags/hello/clearTaskInstances",
       R"({"dag_run_id": ")" + run + R"(", "dry_run": true})", "op"},
      {"POST", "/api/v1/users",
       R"({"username": "new_)" + suffix + R"(", "password": "long-enough", "role": "viewer"})",
       "admin"},
      {"DELETE", "/api/v1/users/victim_" + suffix, "", "admin"},
  };
}

TEST_F(Auth, EachRoleOnEachStateChangingEndpoint) {
  const std::map<std::string, int> rank = {{"viewer", 0}, {"op", 1}, {"admin", 2}};
  for (std::string who : {"anonymous", "viewer", "op", "admin"}) {
    CreateUser("victim_" + who, "victim-password", "viewer");
    for (const Action& a : Actions(who)) {
      httplib::Headers headers = who == "anonymous" ? httplib::Headers{} : As(who);
      Reply r = Http(a.method, a.path, a.body, headers);
      std::string what = who + " " + a.method + " " + a.path + ": " + r.body;
      if (who == "anonymous") {
        EXPECT_EQ(r.status, 401) << what;
        EXPECT_EQ(r.Header("WWW-Authenticate").rfind("Basic", 0), 0u) << what;
      } else if (rank.at(who) < rank.at(a.least_role)) {
        EXPECT_EQ(r.status, 403) << what;
      } else {
        EXPECT_TRUE(r.status >= 200 && r.status < 300) << what;
      }
    }
  }
  // Reading: anyone signed in; users only for admins.
  EXPECT_EQ(Http("GET", "/api/v1/dags").status, 401);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", As("viewer")).status, 200);
  EXPECT_EQ(Http("GET", "/api/v1/users", "", As("op")).status, 403);
  EXPECT_EQ(Http("GET", "/api/v1/users", "", As("admin")).status, 200);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("viewer", "wrong-password")).status, 401);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("ghost", "whatever-pass")).status, 401);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", {{"Authorization", "Digest x"}}).status, 401);
  // A page's fetch gets no basic-auth challenge (no browser password dialog).
  EXPECT_EQ(
      Http("GET", "/api/v1/dags", "", {{"X-Requested-With", "fetch"}}).Header("WWW-Authenticate"),
      "");
  // Open endpoints.
  EXPECT_EQ(Http("GET", "/api/v1/health").status, 200);
  EXPECT_EQ(Http("GET", "/metrics").status, 200);
}

TEST_F(Auth, AdminsManageUsersWithoutSeeingSecrets) {
  Reply r =
      Http("POST", "/api/v1/users",
           R"({"username": "carol", "password": "carol-secret-1", "role": "op"})", As("admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json carol = Json::parse(r.body);
  EXPECT_EQ(carol["username"], "carol");
  EXPECT_EQ(carol["role"], "op");
  EXPECT_EQ(carol["roles"], Json::parse(R"([{"name": "op"}])"));
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("carol", "carol-secret-1")).status, 200);
  EXPECT_EQ(
      Http("POST", "/api/v1/users",
           R"({"username": "carol", "password": "carol-secret-1", "role": "op"})", As("admin"))
          .status,
      409);
  EXPECT_EQ(Http("POST", "/api/v1/users", R"({"username": "d", "password": "short", "role": "op"})",
                 As("admin"))
                .status,
            400);
  EXPECT_EQ(Http("POST", "/api/v1/users",
                 R"({"username": "d", "password": "long-enough", "role": "king"})", As("admin"))
                .status,
            400);
  Json users = GetJson("/api/v1/users", "admin");
  EXPECT_EQ(users["total_entries"], 4);
  EXPECT_EQ(GetJson("/api/v1/users/carol", "admin")["role"], "op");
  // No password or hash anywhere.
  std::string everything = r.body + users.dump() + GetJson("/api/v1/users/carol", "admin").dump();
  for (const char* path : {"/api/v1/dags", "/api/v1/auth/me", "/api/v1/importErrors"}) {
    everything += Http("GET", path, "", As("admin")).body;
  }
  everything += Http("GET", "/metrics").body;
  EXPECT_EQ(everything.find("argon2"), std::string::npos);
  EXPECT_EQ(everything.find("carol-secret-1"), std::string::npos);
  EXPECT_EQ(everything.find("admin-password"), std::string::npos);
  EXPECT_EQ(everything.find("password_hash"), std::string::npos);
  // A deleted user is refused at once, even with credentials it used a moment ago.
  ASSERT_EQ(Http("DELETE", "/api/v1/users/carol", "", As("admin")).status, 204);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("carol", "carol-secret-1")).status, 401);
  EXPECT_EQ(Http("DELETE", "/api/v1/users/carol", "", As("admin")).status, 404);
}

TEST_F(Auth, BearerTokensComeFromBasicAuthAndEndWithTheUser) {
  Reply r = Http("POST", "/api/v1/auth/token", "", As("op"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json token = Json::parse(r.body);
  EXPECT_GE(token["token"].get<std::string>().size(), 32u);
  EXPECT_TRUE(token["expires_at"].is_string());
  httplib::Headers bearer = {{"Authorization", "Bearer " + token["token"].get<std::string>()}};
  Json me = Json::parse(Http("GET", "/api/v1/auth/me", "", bearer).body);
  EXPECT_EQ(me["username"], "op");
  EXPECT_EQ(me["role"], "op");
  EXPECT_EQ(me["auth"], "bearer");
  // Bearer requests need no CSRF token.
  EXPECT_EQ(Http("PATCH", "/api/v1/dags/hello", R"({"is_paused": true})", bearer).status, 200);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", {{"Authorization", "Bearer nope"}}).status, 401);
  EXPECT_EQ(Http("POST", "/api/v1/auth/token", "", bearer).status, 400) << "basic auth only";
  EXPECT_EQ(Http("POST", "/api/v1/auth/token").status, 401);
  std::string out;
  ASSERT_EQ(Sluice("users delete op", &out), 0) << out;
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", bearer).status, 401);
}

TEST_F(Auth, SessionsNeedTheCsrfTokenToChangeState) {
  Reply page = Http("GET", "/login?next=/dags/hello");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("name=\"username\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"password\""), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/static/app.css\""), std::string::npos);
  EXPECT_NE(page.body.find("value=\"/dags/hello\""), std::string::npos);
  EXPECT_FALSE(FormToken(page.body).empty());

  Reply reply;
  Session s = Login("op", "op-password", &reply, "/dags/hello?tab=grid");
  ASSERT_EQ(reply.status, 303) << reply.body;
  EXPECT_EQ(reply.Header("Location"), "/dags/hello?tab=grid");
  std::string session_cookie = SetCookie(reply, "sluice_session");
  EXPECT_NE(session_cookie.find("HttpOnly"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("SameSite=Strict"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("Path=/"), std::string::npos) << session_cookie;
  std::string csrf_cookie = SetCookie(reply, "sluice_csrf");
  EXPECT_EQ(csrf_cookie.find("HttpOnly"), std::string::npos) << "the page's script reads it";
  EXPECT_NE(csrf_cookie.find("SameSite=Strict"), std::string::npos) << csrf_cookie;

  Json me = Json::parse(Http("GET", "/api/v1/auth/me", "", {{"Cookie", s.cookie}}).body);
  EXPECT_EQ(me["username"], "op");
  EXPECT_EQ(me["auth"], "session");
  std::string body = R"({"is_paused": true})";
  EXPECT_EQ(Http("PATCH", "/api/v1/dags/hello", body, {{"Cookie", s.cookie}}).status, 403);
  EXPECT_EQ(
      Http("PATCH", "/api/v1/dags/hello", body, {{"Cookie", s.cookie}, {"X-CSRF-Token", "wrong"}})
          .status,
      403);
  EXPECT_EQ(
      Http("PATCH", "/api/v1/dags/hello", body, {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}})
          .status,
      200);
  // Another user's CSRF token does not fit this session.
  Session other = Login("admin", "admin-password");
  EXPECT_EQ(Http("PATCH", "/api/v1/dags/hello", body,
                 {{"Cookie", s.cookie}, {"X-CSRF-Token", other.csrf}})
                .status,
            403);

  // Logging out needs the token too, then ends the session.
  EXPECT_EQ(Http("POST", "/logout", "", {{"Cookie", s.cookie}}).status, 403);
  Reply out = Http("POST", "/logout", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.Header("Location"), "/login");
  EXPECT_EQ(Http("GET", "/api/v1/auth/me", "", {{"Cookie", s.cookie}}).status, 401);
}

TEST_F(Auth, LoginRefusesForeignRedirectsBadFormsAndWrongPasswords) {
  Reply reply;
  Login("viewer", "viewer-password", &reply, "//evil.example/x");
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.Header("Location"), "/");
  Login("viewer", "viewer-password", &reply, "https://evil.example/");
  EXPECT_EQ(reply.Header("Location"), "/");
  Login("viewer", "wrong-password", &reply);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(SetCookie(reply, "sluice_session"), "");
  EXPECT_NE(reply.body.find("Wrong username or password"), std::string::npos);
  // A form without the login CSRF cookie (posted from elsewhere) is refused.
  Reply page = Http("GET", "/login");
  Reply forged = Http("POST", "/login",
                      "username=viewer&password=viewer-password&csrf_token=" + FormToken(page.body),
                      {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(SetCookie(forged, "sluice_session"), "");
}

TEST_F(Auth, SessionsAndTokensSurviveARestartAndAreStoredOnlyAsDigests) {
  using orchestrator::AuthSessionKind;
  Reply reply;
  Session s = Login("op", "op-password", &reply);
  ASSERT_EQ(reply.status, 303) << reply.body;
  std::string session_id = CookieValueOf(SetCookie(reply, "sluice_session"));
  Reply issued = Http("POST", "/api/v1/auth/token", "", As("viewer"));
  ASSERT_EQ(issued.status, 200) << issued.body;
  std::string token = Json::parse(issued.body)["token"];
  httplib::Headers bearer = {{"Authorization", "Bearer " + token}};

  // The metadata DB holds their SHA-256, never the secrets; an expired row waits for a purge.
  auto store = orchestrator::SqliteStore::Open(home_ + "/sluice.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  TimePoint now = Now();
  EXPECT_TRUE((*store)->GetAuthSession(Sha256Hex(session_id), AuthSessionKind::kSession, now).ok());
  EXPECT_TRUE((*store)->GetAuthSession(Sha256Hex(token), AuthSessionKind::kToken, now).ok());
  EXPECT_FALSE((*store)->GetAuthSession(session_id, AuthSessionKind::kSession, now).ok());
  EXPECT_FALSE((*store)->GetAuthSession(token, AuthSessionKind::kToken, now).ok());
  TimePoint long_ago = now - std::chrono::hours(24);
  ASSERT_TRUE((*store)
                  ->CreateAuthSession({"expired-digest", AuthSessionKind::kSession, "op", "x",
                                       long_ago, long_ago + std::chrono::hours(1)})
                  .ok());

  StopServer();
  StartServer();
  ASSERT_FALSE(HasFatalFailure());

  Json me = Json::parse(Http("GET", "/api/v1/auth/me", "", {{"Cookie", s.cookie}}).body);
  EXPECT_EQ(me["username"], "op");
  EXPECT_EQ(me["auth"], "session");
  EXPECT_EQ(me["csrf_token"], s.csrf) << "the session keeps its CSRF token";
  EXPECT_EQ(Http("PATCH", "/api/v1/dags/hello", R"({"is_paused": false})",
                 {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}})
                .status,
            200);
  me = Json::parse(Http("GET", "/api/v1/auth/me", "", bearer).body);
  EXPECT_EQ(me["username"], "viewer");
  EXPECT_EQ(me["auth"], "bearer");

  // The first sign-in of the new server purges what has expired.
  Login("admin", "admin-password", &reply);
  ASSERT_EQ(reply.status, 303);
  EXPECT_EQ((*store)
                ->GetAuthSession("expired-digest", AuthSessionKind::kSession, long_ago)
                .status()
                .code(),
            StatusCode::kNotFound);
  // Logging out still ends the session for good.
  EXPECT_EQ(Http("POST", "/logout", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}}).status,
            303);
  EXPECT_EQ(Http("GET", "/api/v1/auth/me", "", {{"Cookie", s.cookie}}).status, 401);
  EXPECT_FALSE(
      (*store)->GetAuthSession(Sha256Hex(session_id), AuthSessionKind::kSession, Now()).ok());
}

TEST_F(Auth, RepeatedFailedLoginsAreSlowedDown) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("op", "guess-" + std::to_string(i))).status,
              401);
  }
  // Now even the right password waits; the answer says how long.
  Reply r = Http("GET", "/api/v1/dags", "", As("op"));
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "1");
  Reply form;
  Login("op", "op-password", &form);
  EXPECT_EQ(form.status, 429);
  EXPECT_FALSE(form.Header("Retry-After").empty());
  // Other users are not affected (the address is under its own, higher limit).
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", As("viewer")).status, 200);
  // A further failure after the window doubles it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("op", "guess-again")).status, 401);
  r = Http("GET", "/api/v1/dags", "", As("op"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "2");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", As("op")).status, 200);
  // The success reset the count.
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", Basic("op", "one-more-guess")).status, 401);
  EXPECT_EQ(Http("GET", "/api/v1/dags", "", As("op")).status, 200);
}

}  // namespace
}  // namespace sluice::web::testing
