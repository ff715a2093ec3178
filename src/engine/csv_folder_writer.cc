// WriteCsvFolder lives apart from the formatting so that code which only formats CSV does
// not pull in the object-store backends.
#include <cstdio>
#include <random>

#include "engine/csv_writer.h"

namespace sluice::engine {

namespace {

// A random (version 4) UUID, as Spark puts in part file names.
std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

}  // namespace

Result<StagedCsvFolder> StageCsvFolder(const Table& table, std::string_view folder_uri,
                                       storage::SaveMode mode, const CsvWriteOptions& options) {
  ASSIGN_OR_RETURN(storage::Location loc, storage::ResolveUri(folder_uri));
  StagedCsvFolder staged;
  staged.store = loc.store;
  staged.uri = std::string(folder_uri);
  staged.mode = mode;
  staged.folder = loc.key;
  while (!staged.folder.empty() && staged.folder.back() == '/') staged.folder.pop_back();
  if (staged.folder.empty()) {
    return Status::InvalidArgument(staged.uri +
                                   ": cannot write output into the root of a store; name a folder");
  }
  staged.folder += '/';
  if (mode == storage::SaveMode::kIgnore || mode == storage::SaveMode::kErrorIfExists) {
    auto existing = loc.store->List(staged.folder);
    if (!existing.ok()) return existing.status().WithContext("writing " + staged.uri);
    if (!existing->empty()) {
      if (mode == storage::SaveMode::kIgnore) return staged;  // written = false
      return Status::AlreadyExists(staged.uri +
                                   ": the output folder exists and mode is error_if_exists");
    }
  }
  std::string text = FormatCsv(table, options);
  const std::string name = "part-00000-" + NewUuid() + ".csv";
  staged.staging = loc.store->NewStagingPrefix(staged.folder);
  Status st = loc.store->Put(staged.staging + name, text);
  if (!st.ok()) {
    AbortCsvFolder(staged);
    return st.WithContext("writing " + staged.uri);
  }
  staged.result.written = true;
  staged.result.rows = table.num_rows();
  staged.result.bytes = static_cast<int64_t>(text.size());
  staged.result.part_uri = storage::JoinUri(folder_uri, name);
  return staged;
}

Status CommitCsvFolder(const StagedCsvFolder& staged) {
  if (!staged.result.written) return Status::OK();
  Status st = staged.store->CommitFolder(staged.staging, staged.folder, staged.mode);
  return st.WithContext("writing " + staged.uri);
}

void AbortCsvFolder(const StagedCsvFolder& staged) {
  // Best effort: a failure here leaves a hidden staging folder, never visible output.
  if (!staged.staging.empty()) (void)staged.store->DiscardStaging(staged.staging);
}

Result<CsvWriteResult> WriteCsvFolder(const Table& table, std::string_view folder_uri,
                                      storage::SaveMode mode, const CsvWriteOptions& options) {
  ASSIGN_OR_RETURN(StagedCsvFolder staged, StageCsvFolder(table, folder_uri, mode, options));
  RETURN_NOT_OK(CommitCsvFolder(staged));
  return staged.result;
}

}  // namespace sluice::engine
