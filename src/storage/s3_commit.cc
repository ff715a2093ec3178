// S3ObjectStore's folder commit (see s3_store.h for the steps and what readers see): staged
// objects are copied into the folder server-side, stale ones deleted, `_SUCCESS` written last.
#include <algorithm>
#include <set>

#include "common/logging.h"
#include "common/thread_pool.h"
#include "storage/file_util.h"
#include "storage/s3_store.h"

namespace sluice::storage {
namespace {

constexpr std::string_view kSuccess = "_SUCCESS";

}  // namespace

std::string S3ObjectStore::NewStagingPrefix(std::string_view folder_prefix) const {
  std::string folder(folder_prefix);
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  size_t slash = folder.rfind('/');
  std::string parent = slash == std::string::npos ? "" : folder.substr(0, slash + 1);
  return parent + internal::HiddenSibling(folder.substr(parent.size()), "staging") + "/";
}

Status S3ObjectStore::DiscardStaging(std::string_view staging_prefix) {
  ASSIGN_OR_RETURN(std::string staging, internal::NormalizeFolderPrefix(staging_prefix));
  ASSIGN_OR_RETURN(std::vector<S3ObjectMeta> staged, client_->ListAllObjects(bucket_, staging));
  std::vector<std::string> keys;
  keys.reserve(staged.size());
  for (const S3ObjectMeta& meta : staged) keys.push_back(meta.key);
  return client_->DeleteObjects(bucket_, keys);
}

Status S3ObjectStore::CommitFolder(std::string_view staging_prefix, std::string_view folder_prefix,
                                   SaveMode mode) {
  // An invalid staging prefix cannot be removed safely: it might name anything.
  ASSIGN_OR_RETURN(std::string staging, internal::NormalizeFolderPrefix(staging_prefix));
  Result<std::string> folder = internal::NormalizeFolderPrefix(folder_prefix);
  Status st = folder.ok() ? Commit(staging, *folder, mode) : folder.status();
  Status cleanup = DiscardStaging(staging);
  if (!cleanup.ok()) {
    if (!st.ok()) return st;
    // The commit is done and visible; leftover staged objects are hidden litter.
    Log().warn("commit of {} succeeded but removing its staging prefix failed: {}",
               S3Uri(bucket_, *folder), cleanup.message());
  }
  return st;
}

Status S3ObjectStore::CopyStaged(const std::vector<S3ObjectMeta>& staged,
                                 const std::string& staging, const std::string& folder) {
  return ThreadPool::Default().ParallelFor(
      staged.size(),
      [&](size_t i) {
        const S3ObjectMeta& object = staged[i];
        std::string to = folder + object.key.substr(staging.size());
        return client_->CopyObject(bucket_, object.key, to, object.size);
      },
      client_->options().max_parallel_parts);
}

Status S3ObjectStore::Commit(const std::string& staging, const std::string& folder, SaveMode mode) {
  const std::string uri = S3Uri(bucket_, folder);
  if (folder.starts_with(staging) || staging.starts_with(folder)) {
    return Status::InvalidArgument("cannot commit " + S3Uri(bucket_, staging) + " into " + uri +
                                   ": one contains the other");
  }
  std::string as_object = folder.substr(0, folder.size() - 1);
  Result<S3ObjectMeta> plain = client_->HeadObject(bucket_, as_object);
  if (plain.ok()) return Status::AlreadyExists(uri + ": exists and is not a folder");
  if (plain.status().code() != StatusCode::kNotFound) return plain.status();

  ASSIGN_OR_RETURN(std::vector<ObjectInfo> existing, List(folder));
  bool has_content = !existing.empty();
  if (has_content && mode == SaveMode::kIgnore) return Status::OK();
  if (has_content && mode == SaveMode::kErrorIfExists) {
    return Status::AlreadyExists(uri +
                                 ": output folder already exists and is not empty "
                                 "(save mode error_if_exists)");
  }
  ASSIGN_OR_RETURN(std::vector<S3ObjectMeta> staged, client_->ListAllObjects(bucket_, staging));
  // A writer's own _SUCCESS never counts: the commit writes a fresh one last.
  std::erase_if(staged,
                [&](const S3ObjectMeta& o) { return o.key == staging + std::string(kSuccess); });
  const std::string success = folder + std::string(kSuccess);
  if (has_content) RETURN_NOT_OK(client_->DeleteObject(bucket_, success));
  RETURN_NOT_OK(CopyStaged(staged, staging, folder));
  if (has_content && mode == SaveMode::kOverwrite) {
    std::set<std::string> fresh;
    for (const S3ObjectMeta& o : staged) fresh.insert(folder + o.key.substr(staging.size()));
    std::vector<std::string> stale;
    for (const ObjectInfo& o : existing) {
      if (o.key != success && !fresh.count(o.key)) stale.push_back(o.key);
    }
    RETURN_NOT_OK(client_->DeleteObjects(bucket_, stale));
  }
  return client_->PutObject(bucket_, success, "");
}

}  // namespace sluice::storage
