// Filesystem helpers shared by the file backend's object operations and its folder commit:
// atomic writes, the hidden names the backend uses for work in progress, and key checks.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::storage::internal {

// `n` random lowercase hex digits, for names that must not collide across processes.
std::string RandomHex(int n);

// The hidden sibling names the file backend creates while it works
// (".<name>.staging-<hex>", ".<name>.tmp-<hex>", ".<name>.old-<hex>"): never listed.
std::string HiddenSibling(std::string_view name, std::string_view kind);
bool IsInternalName(std::string_view name);
// The absolute path of a fresh hidden sibling of the absolute `path`.
std::string HiddenSiblingPath(const std::string& path, std::string_view kind);

// Checks a key that names one object: ValidateKey() and no trailing '/'.
Status ValidateObjectKey(std::string_view key);
// Checks a folder prefix: ValidateKey(); the result always ends in '/'.
Result<std::string> NormalizeFolderPrefix(std::string_view prefix);

// Creates `dir` and its parents; fine if it already exists as a directory.
Status MakeDirs(const std::string& dir);
// Writes `data` to a hidden temporary file beside `path`, then renames it over `path`, so a
// reader sees either the old content or the new, never a part. Creates parent directories.
Status WriteFileAtomic(const std::string& path, std::string_view data);
// Removes `path` and everything below it; a missing path is fine.
Status RemoveTree(const std::string& path);

// Last modification of a stat()ed file, in ms since the Unix epoch.
int64_t MtimeMs(const struct stat& st);

// The parent directory of an absolute path without a trailing '/' ("/" for "/x").
std::string ParentOf(const std::string& path);
std::string BaseName(const std::string& path);

}  // namespace sluice::storage::internal
