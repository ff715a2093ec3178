// The file backend of the object store: keys are '/'-separated paths under a root directory.
// Private to storage/; other components reach it through ResolveUri() in object_store.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"

namespace sluice::storage {

class FileObjectStore : public ObjectStore {
 public:
  // `root` is an absolute directory; every key names a path below it.
  explicit FileObjectStore(std::string root);

  std::string RootUri() const override;

  Result<std::string> Get(std::string_view key) const override;
  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) const override;
  Result<std::unique_ptr<ObjectReader>> OpenReader(std::string_view key) const override;
  Status Put(std::string_view key, std::string_view data) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) const override;
  Result<ObjectInfo> Head(std::string_view key) const override;
  Status Delete(std::string_view key) override;

  std::string NewStagingPrefix(std::string_view folder_prefix) const override;
  Status DiscardStaging(std::string_view staging_prefix) override;
  Status CommitFolder(std::string_view staging_prefix, std::string_view folder_prefix,
                      SaveMode mode) override;

  // The filesystem path of `key` (which must already be validated).
  std::string PathOf(std::string_view key) const;

 private:
  std::string root_;  // no trailing '/', except for the filesystem root itself
};

}  // namespace sluice::storage
