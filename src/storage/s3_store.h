// The S3 backend of the object store (design.md §5): keys are object keys in one bucket, read
// by ranged GETs, written by PUT or multipart upload. Private to storage/; other components
// reach it through ResolveUri("s3://bucket/key") in object_store.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"
#include "storage/s3_client.h"

namespace sluice::storage {

// Folder commits on S3 (CommitFolder): S3 has no rename, so a folder's new files are written
// under a hidden sibling prefix ("out/.f.staging-<hex>/"), then the commit
//   1. checks the save mode against the folder's visible content,
//   2. deletes the folder's old _SUCCESS, so readers stop trusting the folder,
//   3. copies the staged objects into the folder (server-side, in parallel),
//   4. for overwrite, deletes the old objects the new content does not replace,
//   5. writes an empty _SUCCESS last, and removes the staging prefix (on failure too).
// Readers that trust _SUCCESS see the old content, then no _SUCCESS, then the whole new
// content; a failed commit leaves a folder without _SUCCESS, never one with a wrong one.
class S3ObjectStore : public ObjectStore {
 public:
  S3ObjectStore(std::shared_ptr<const S3Client> client, std::string bucket);

  std::string RootUri() const override;  // "s3://bucket/"

  Result<std::string> Get(std::string_view key) const override;
  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) const override;
  // Reads go to S3 as ranged GETs pinned to the object's ETag. Small reads, and reads that
  // continue where the previous one ended, are served from one read-ahead window (1 or 16 MiB);
  // large reads are split into parallel ranged GETs. The object is never held whole.
  Result<std::unique_ptr<ObjectReader>> OpenReader(std::string_view key) const override;
  Status Put(std::string_view key, std::string_view data) override;
  // Hides the staging prefixes of commits in progress and zero-byte "folder" markers.
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) const override;
  Result<ObjectInfo> Head(std::string_view key) const override;
  Status Delete(std::string_view key) override;

  std::string NewStagingPrefix(std::string_view folder_prefix) const override;
  Status CommitFolder(std::string_view staging_prefix, std::string_view folder_prefix,
                      SaveMode mode) override;
  Status DiscardStaging(std::string_view staging_prefix) override;

  const S3Client& client() const { return *client_; }
  const std::string& bucket() const { return bucket_; }

 private:
  Status Commit(const std::string& staging, const std::string& folder, SaveMode mode);
  Status CopyStaged(const std::vector<S3ObjectMeta>& staged, const std::string& staging,
                    const std::string& folder);

  std::shared_ptr<const S3Client> client_;
  std::string bucket_;
};

}  // namespace sluice::storage
