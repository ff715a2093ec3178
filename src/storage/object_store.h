// The object-store interface every location in Sluice goes through (design.md §5):
// get (whole or a byte range), atomic put, list by prefix, head, delete, and folder commit.
// Backends: file (plain paths and file:// URIs) and S3 (s3://bucket/key, s3_store.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::storage {

struct ObjectInfo {
  std::string key;       // relative to the store's root, '/'-separated
  int64_t size = 0;      // bytes
  int64_t mtime_ms = 0;  // last modification, ms since the Unix epoch
};

// Reads byte ranges of one object without loading it whole.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual int64_t Size() const = 0;
  // Reads up to `length` bytes at `offset` into `out`; returns how many were read
  // (fewer only at the end of the object). Safe to call from several threads at once.
  virtual Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) const = 0;
  // True when every read waits on a network (S3): readers then gain from asking for large
  // ranges, several at once and ahead of need. A local file is read fastest when needed.
  virtual bool IsRemote() const { return false; }
};

// How a folder commit treats a folder that already has committed content (Spark's names).
enum class SaveMode { kOverwrite, kAppend, kErrorIfExists, kIgnore };
Result<SaveMode> ParseSaveMode(std::string_view text);  // overwrite|append|error_if_exists|ignore
std::string_view SaveModeName(SaveMode mode);

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // "file:///" or "s3://bucket/": what keys of this store are relative to.
  virtual std::string RootUri() const = 0;

  virtual Result<std::string> Get(std::string_view key) const = 0;
  virtual Result<std::string> GetRange(std::string_view key, int64_t offset,
                                       int64_t length) const = 0;
  virtual Result<std::unique_ptr<ObjectReader>> OpenReader(std::string_view key) const = 0;
  // Readers never see a partial object: the new content appears all at once.
  virtual Status Put(std::string_view key, std::string_view data) = 0;
  // Objects whose key starts with `prefix`, sorted by key, recursively.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) const = 0;
  // NotFound if there is no such object.
  virtual Result<ObjectInfo> Head(std::string_view key) const = 0;
  // Deleting a missing object is not an error (as on S3).
  virtual Status Delete(std::string_view key) = 0;

  // A fresh prefix (ending in '/') to write a folder's new files under before CommitFolder;
  // for the file backend a hidden sibling of the folder, so the publish is one rename.
  virtual std::string NewStagingPrefix(std::string_view folder_prefix) const = 0;

  // Makes everything written under `staging_prefix` visible under `folder_prefix` at once,
  // honouring `mode`, then writes `folder_prefix/_SUCCESS` last. Both prefixes end in '/'.
  // Returns AlreadyExists for kErrorIfExists on a folder with committed content.
  // The staging prefix is gone afterwards, whether the commit succeeded or not.
  virtual Status CommitFolder(std::string_view staging_prefix, std::string_view folder_prefix,
                              SaveMode mode) = 0;
  // Removes a staging prefix and everything under it without publishing anything.
  virtual Status DiscardStaging(std::string_view staging_prefix) = 0;
};

// A location: a store and a key (or folder prefix) within it.
struct Location {
  std::shared_ptr<ObjectStore> store;
  std::string key;
  std::string uri;  // as the user wrote it, for messages
};

// Resolves a plain path (relative paths against the working directory), a file:// URI or an
// s3:// URI. Refuses keys with '..' segments. s3://bucket/key uses the connection of
// s3_connection.h (SLUICE_CONN_AWS_DEFAULT, else the AWS chain); resolving fails when it has
// no credentials.
Result<Location> ResolveUri(std::string_view uri);

// Checks that a key is relative and stays inside its root: no '..' or '.' segments,
// no leading '/', no NUL. The message names the key.
Status ValidateKey(std::string_view key);

// Joins a folder URI and a relative name with exactly one '/'.
std::string JoinUri(std::string_view base, std::string_view name);

}  // namespace sluice::storage
