// S3ObjectStore's object operations: keys are checked as the file backend checks them, so a
// location means the same thing whichever backend holds it.
#include "storage/s3_store.h"

#include <algorithm>

#include "storage/file_util.h"

namespace sluice::storage {
namespace {

// Whether any segment of `key` is one of the hidden names of work in progress.
bool HasInternalSegment(std::string_view key) {
  size_t start = 0;
  while (start < key.size()) {
    size_t end = std::min(key.find('/', start), key.size());
    if (internal::IsInternalName(key.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

ObjectInfo ToInfo(const S3ObjectMeta& meta) {
  return ObjectInfo{meta.key, meta.size, meta.mtime_ms};
}

}  // namespace

S3ObjectStore::S3ObjectStore(std::shared_ptr<const S3Client> client, std::string bucket)
    : client_(std::move(client)), bucket_(std::move(bucket)) {}

std::string S3ObjectStore::RootUri() const { return "s3://" + bucket_ + "/"; }

Result<std::string> S3ObjectStore::Get(std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  return client_->GetObject(bucket_, key);
}

Result<std::string> S3ObjectStore::GetRange(std::string_view key, int64_t offset,
                                            int64_t length) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument(S3Uri(bucket_, key) + ": negative range (offset " +
                                   std::to_string(offset) + ", length " + std::to_string(length) +
                                   ")");
  }
  return client_->GetObjectRange(bucket_, key, offset, length);
}

Status S3ObjectStore::Put(std::string_view key, std::string_view data) {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  return client_->PutObject(bucket_, key, data);
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(std::string_view prefix) const {
  if (!prefix.empty()) RETURN_NOT_OK(ValidateKey(prefix));
  ASSIGN_OR_RETURN(std::vector<S3ObjectMeta> listed, client_->ListAllObjects(bucket_, prefix));
  std::vector<ObjectInfo> out;
  out.reserve(listed.size());
  for (const S3ObjectMeta& meta : listed) {
    if (meta.key.ends_with('/') || HasInternalSegment(meta.key)) continue;
    out.push_back(ToInfo(meta));
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Result<ObjectInfo> S3ObjectStore::Head(std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  ASSIGN_OR_RETURN(S3ObjectMeta meta, client_->HeadObject(bucket_, key));
  return ToInfo(meta);
}

Status S3ObjectStore::Delete(std::string_view key) {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  return client_->DeleteObject(bucket_, key);
}

}  // namespace sluice::storage
