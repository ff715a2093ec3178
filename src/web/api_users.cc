// The server's users (admin only): list, one, create, delete. Passwords go in, argon2id
// hashes are stored, and neither ever comes out.
#include <httplib.h>

#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/passwords.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using httplib::Request;
using httplib::Response;

Json UserJson(const orchestrator::UserModel& u) {
  return {{"username", u.username},
          {"role", u.role},
          {"roles", Json::array({{{"name", u.role}}})},
          {"created_on", TimeJson(u.created_at)},
          {"active", true}};
}

void ListUsers(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  auto users = ctx.store->ListUsers();
  if (!users.ok()) return SendStatus(res, users.status());
  std::vector<Json> items;
  for (const auto& u : *users) items.push_back(UserJson(u));
  SendJson(res, PageOf("users", items, *page));
}

void GetUser(const Request& req, Response& res, WebContext& ctx) {
  auto user = ctx.store->GetUser(req.matches[1].str());
  if (!user.ok()) return SendStatus(res, user.status());
  SendJson(res, UserJson(*user));
}

Result<orchestrator::UserModel> ParseNewUser(const Json& body) {
  for (const auto& [key, value] : body.items()) {
    if (key != "username" && key != "password" && key != "role") {
      return Status::InvalidArgument("unknown field '" + key + "'");
    }
  }
  auto text = [&body](const char* key) -> std::string {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
  };
  orchestrator::UserModel user;
  user.username = text("username");
  user.role = text("role");
  std::string password = text("password");
  if (user.username.empty() || user.username.find_first_of("/:\r\n") != std::string::npos) {
    return Status::InvalidArgument("'username' must be a non-empty string without '/' or ':'");
  }
  if (!ParseRole(user.role)) return Status::InvalidArgument("'role' must be admin, op or viewer");
  if (password.size() < 8) {
    return Status::InvalidArgument("'password' must have at least 8 characters");
  }
  ASSIGN_OR_RETURN(user.password_hash, HashPassword(password));
  return user;
}

void CreateUser(const Request& req, Response& res, WebContext& ctx) {
  auto body = JsonObjectBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  auto user = ParseNewUser(*body);
  if (!user.ok()) return SendStatus(res, user.status());
  if (Status st = ctx.store->CreateUser(*user); !st.ok()) return SendStatus(res, st);
  auto stored = ctx.store->GetUser(user->username);
  if (!stored.ok()) return SendStatus(res, stored.status());
  SendJson(res, UserJson(*stored));
}

void DeleteUser(const Request& req, Response& res, WebContext& ctx) {
  if (Status st = ctx.store->DeleteUser(req.matches[1].str()); !st.ok()) {
    return SendStatus(res, st);
  }
  res.status = 204;
}

}  // namespace

void RegisterUserRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  const std::string user = std::string("/api/v1/users/") + kSegment;
  Route(http, ctx, "GET", "/api/v1/users", "users", Role::kAdmin, bind(ListUsers));
  Route(http, ctx, "POST", "/api/v1/users", "users_post", Role::kAdmin, bind(CreateUser));
  Route(http, ctx, "GET", user, "user", Role::kAdmin, bind(GetUser));
  Route(http, ctx, "DELETE", user, "user_delete", Role::kAdmin, bind(DeleteUser));
}

}  // namespace sluice::web::api
