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

Result<CsvWriteResult> WriteCsvFolder(const Table& table, std::string_view folder_uri,
                                      storage::SaveMode mode, const CsvWriteOptions& options) {
  ASSIGN_OR_RETURN(storage::Location loc, storage::ResolveUri(folder_uri));
  std::string folder = loc.key;
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  if (folder.empty()) {
    return Status::InvalidArgument(std::string(folder_uri) +
                                   ": cannot write output into the root of a store; name a folder");
  }
  folder += '/';
  CsvWriteResult result;
  if (mode == storage::SaveMode::kIgnore) {
    auto existing = loc.store->List(folder);
    if (!existing.ok()) return existing.status().WithContext("writing " + std::string(folder_uri));
    if (!existing->empty()) return result;
  }
  std::string text = FormatCsv(table, options);
  const std::string name = "part-00000-" + NewUuid() + ".csv";
  const std::string staging = loc.store->NewStagingPrefix(folder);
  Status st = loc.store->Put(staging + name, text);
  if (st.ok()) st = loc.store->CommitFolder(staging, folder, mode);
  if (!st.ok()) {
    (void)loc.store->Delete(staging + name);  // best effort: never leave a staged part behind
    return st.WithContext("writing " + std::string(folder_uri));
  }
  result.written = true;
  result.rows = table.num_rows();
  result.bytes = static_cast<int64_t>(text.size());
  result.part_uri = storage::JoinUri(folder_uri, name);
  return result;
}

}  // namespace sluice::engine
