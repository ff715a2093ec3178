// The SQLite metadata schema as numbered migrations, and how a database is brought to or
// checked against the latest. A migration is never edited once released: add the next one.
// Private to the SQLite store.
#pragma once

#include <span>

#include "common/status.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/sqlite_connection.h"

namespace sluice::orchestrator::sqlite {

struct Migration {
  int version;              // 1, 2, ... in order
  const char* description;  // recorded in schema_version
  const char* sql;          // a script, run in one transaction with the version row
};

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// 0 for an empty database; an error for a database that has tables but is not sluice's.
Result<int> ReadSchemaVersion(Connection& conn);
// Applies the migrations after the current version up to `target`, each in its own
// transaction. Safe when several processes migrate at once: each re-reads the version
// under the write lock.
Result<MigrationResult> MigrateTo(Connection& conn, int target);
// OK when current == latest, else what to run ("run `sluice db migrate`").
Status CheckSchemaVersion(const std::string& path, const SchemaVersion& version);

}  // namespace sluice::orchestrator::sqlite
