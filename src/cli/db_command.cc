// `sluice db init | migrate | check`: the metadata DB's schema.
#include <cstdio>
#include <filesystem>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "orchestrator/home.h"
#include "orchestrator/sqlite_store.h"

namespace sluice::cli {

namespace {

int RunDb(const std::string& action) {
  auto home = orchestrator::LoadHome();
  if (!home.ok()) return Fail(home.status(), "db " + action);
  std::error_code ec;
  if (action == "init") std::filesystem::create_directories(home->path, ec);
  if (ec) return Fail(Status::IoError(home->path + ": " + ec.message()), "db init");
  auto store = orchestrator::SqliteStore::Open(home->db_path);
  if (!store.ok()) return Fail(store.status(), "db " + action);
  if (action == "init") {
    if (Status st = (*store)->Init(); !st.ok()) return Fail(st, "db init");
  } else if (action == "migrate") {
    auto m = (*store)->Migrate();
    if (!m.ok()) return Fail(m.status(), "db migrate");
    std::printf("migrated %s from version %d to %d\n", home->db_path.c_str(), m->from_version,
                m->to_version);
    return 0;
  } else if (Status st = (*store)->Check(); !st.ok()) {
    return Fail(st, "db check");
  }
  auto v = (*store)->GetSchemaVersion();
  if (!v.ok()) return Fail(v.status(), "db " + action);
  std::printf("%s: schema version %d (latest %d)\n", home->db_path.c_str(), v->current, v->latest);
  return 0;
}

}  // namespace

void RegisterDb(CLI::App& app, int* exit_code) {
  auto* db = app.add_subcommand("db", "The metadata database");
  db->require_subcommand(1);
  for (const char* action : {"init", "migrate", "check"}) {
    std::string help = std::string(action) == "init"      ? "Create or upgrade the database"
                       : std::string(action) == "migrate" ? "Apply pending schema migrations"
                                                          : "Check the schema is current";
    db->add_subcommand(action, help)->callback([action, exit_code] { *exit_code = RunDb(action); });
  }
}

}  // namespace sluice::cli
