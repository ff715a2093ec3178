// `sluice users create|list|delete` (design.md §9): the server's users and their roles,
// passwords stored as argon2id hashes only.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "web/passwords.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

int UsersCreate(const std::string& username, const std::string& password,
                const std::string& role) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "users create");
  if (password.size() < 8) {
    return Fail(Status::InvalidArgument("the password must have at least 8 characters"),
                "users create");
  }
  auto hash = web::HashPassword(password);
  if (!hash.ok()) return Fail(hash.status(), "users create");
  Status st = ctx->store->CreateUser({username, role, *hash, std::nullopt});
  if (!st.ok()) return Fail(st, "users create");
  std::printf("created user %s (role %s)\n", username.c_str(), role.c_str());
  return 0;
}

int UsersList(bool json) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "users list");
  auto users = ctx->store->ListUsers();
  if (!users.ok()) return Fail(users.status(), "users list");
  std::vector<nlohmann::json> rows;
  for (const auto& u : *users) rows.push_back({u.username, u.role, TimeOrNull(u.created_at)});
  PrintTable({"username", "role", "created_at"}, rows, json);
  return 0;
}

int UsersDelete(const std::string& username) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "users delete");
  Status st = ctx->store->DeleteUser(username);
  if (!st.ok()) return Fail(st, "users delete");
  std::printf("deleted user %s\n", username.c_str());
  return 0;
}

}  // namespace

void RegisterUsers(CLI::App& app, int* exit_code) {
  static std::string username, password, role = "viewer", output = "text";
  auto* users = app.add_subcommand("users", "Users of the web server and their roles");
  users->require_subcommand(1);
  auto* create = users->add_subcommand("create", "Create a user");
  create->add_option("--username", username, "User name")->required();
  create->add_option("--password", password, "Password (at least 8 characters)")->required();
  create->add_option("--role", role, "admin, op or viewer")
      ->check(CLI::IsMember({"admin", "op", "viewer"}));
  create->callback([exit_code] { *exit_code = UsersCreate(username, password, role); });
  auto* list = users->add_subcommand("list", "List users");
  list->add_option("--output", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback([exit_code] { *exit_code = UsersList(output == "json"); });
  auto* remove = users->add_subcommand("delete", "Delete a user");
  remove->add_option("username", username)->required();
  remove->callback([exit_code] { *exit_code = UsersDelete(username); });
}

}  // namespace sluice::cli
