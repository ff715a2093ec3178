// Writes a result as Spark does: a folder holding `part-00000-<uuid>.csv` and `_SUCCESS`,
// committed all at once through the object store (design.md §5).
#pragma once

#include <string>

#include "common/status.h"
#include "engine/column.h"
#include "engine/plan.h"
#include "storage/object_store.h"

namespace sluice::engine {

struct CsvWriteResult {
  bool written = false;   // false when SaveMode::kIgnore found existing output
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string part_uri;   // the part file written
};

// Formats the rows of `table` as CSV text (with the header when options.header): quotes a
// field only when it holds the delimiter, a quote, CR or LF (or is an empty string, written
// as ""); doubles are the shortest text that reads back as the same double, with ".0" on
// integral values (as Spark and DuckDB print them); NULL is options.null_value.
std::string FormatCsv(const Table& table, const CsvWriteOptions& options);

// A folder's new content, written under a staging prefix but not visible yet. Staging every
// output of a job before committing any lets a failure leave all of them untouched.
struct StagedCsvFolder {
  std::shared_ptr<storage::ObjectStore> store;
  std::string uri;              // as the user wrote it
  std::string staging, folder;  // prefixes in `store`, ending in '/'
  storage::SaveMode mode = storage::SaveMode::kOverwrite;
  CsvWriteResult result;        // written = false: nothing to commit (mode ignore)
};

// Formats `table` into a staging prefix beside `folder_uri`. Fails early, with nothing
// written, when mode error_if_exists finds committed content there.
Result<StagedCsvFolder> StageCsvFolder(const Table& table, std::string_view folder_uri,
                                       storage::SaveMode mode, const CsvWriteOptions& options);
// Publishes a staged folder (the staging prefix is gone afterwards either way).
Status CommitCsvFolder(const StagedCsvFolder& staged);
// Drops a staged folder without publishing it.
void AbortCsvFolder(const StagedCsvFolder& staged);

// Writes `table` into the folder at `folder_uri` with `mode` and commits it.
Result<CsvWriteResult> WriteCsvFolder(const Table& table, std::string_view folder_uri,
                                      storage::SaveMode mode, const CsvWriteOptions& options);

// Appends the shortest round-trip text of `v` (with ".0" when integral; NaN, Infinity,
// -Infinity as Spark writes them).
void AppendDouble(double v, std::string* out);

}  // namespace sluice::engine
