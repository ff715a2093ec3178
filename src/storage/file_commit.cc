// The file backend's folder commit (design.md §5): a folder's new content is built in a hidden
// sibling, gets `_SUCCESS` once its data files are in place, and is published by one rename,
// so readers see the old folder or the new one, never a mix.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include "common/logging.h"
#include "storage/file_store.h"
#include "storage/file_util.h"

namespace sluice::storage {

namespace {

constexpr const char* kSuccess = "_SUCCESS";

enum class FolderState { kMissing, kEmpty, kHasContent, kNotAFolder };

Result<FolderState> Inspect(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FolderState::kMissing;
    return ErrnoStatus("cannot stat " + path, errno);
  }
  if (!S_ISDIR(st.st_mode)) return FolderState::kNotAFolder;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), &::closedir);
  if (!dir) return ErrnoStatus("cannot list " + path, errno);
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != ".." && !internal::IsInternalName(name)) {
      return FolderState::kHasContent;
    }
  }
  return FolderState::kEmpty;
}

std::string StripSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Replaces `folder` by `staging` for a filesystem without RENAME_EXCHANGE: the folder is
// missing for the moment between the two renames, never half-written.
Status SwapByRenames(const std::string& staging, const std::string& folder) {
  std::string old = internal::HiddenSiblingPath(folder, "old");
  if (::rename(folder.c_str(), old.c_str()) != 0) {
    return ErrnoStatus("cannot move " + folder + " aside", errno);
  }
  if (::rename(staging.c_str(), folder.c_str()) != 0) {
    Status st = ErrnoStatus("cannot publish " + folder, errno);
    ::rename(old.c_str(), folder.c_str());
    return st;
  }
  // The old content now sits where the staging folder was, so the caller's cleanup takes it.
  if (::rename(old.c_str(), staging.c_str()) != 0) return internal::RemoveTree(old);
  return Status::OK();
}

// Makes `staging` (already holding _SUCCESS) the content of `folder` in one step.
Status Publish(const std::string& staging, const std::string& folder, FolderState state) {
  if (state == FolderState::kMissing) {
    if (::rename(staging.c_str(), folder.c_str()) != 0) {
      return ErrnoStatus("cannot publish " + folder, errno);
    }
    return Status::OK();
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, folder.c_str(), RENAME_EXCHANGE) == 0) {
    return Status::OK();
  }
  if (errno != EINVAL && errno != ENOSYS) return ErrnoStatus("cannot publish " + folder, errno);
  return SwapByRenames(staging, folder);
}

// Moves every staged file into `folder`: append keeps what is there and adds the new parts.
Status MoveInto(const FileObjectStore& store, const std::string& staging_key,
                const std::string& folder) {
  ASSIGN_OR_RETURN(auto staged, store.List(staging_key));
  RETURN_NOT_OK(internal::MakeDirs(folder));
  for (const ObjectInfo& object : staged) {
    std::string from = store.PathOf(object.key);
    std::string to = folder + "/" + object.key.substr(staging_key.size());
    RETURN_NOT_OK(internal::MakeDirs(internal::ParentOf(to)));
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus("cannot move " + from + " to " + to, errno);
    }
  }
  return Status::OK();
}

Status Commit(FileObjectStore& store, const std::string& staging_key, const std::string& folder_key,
              SaveMode mode) {
  std::string staging = StripSlash(store.PathOf(staging_key));
  std::string folder = StripSlash(store.PathOf(folder_key));
  if (folder_key.starts_with(staging_key) || staging_key.starts_with(folder_key)) {
    return Status::InvalidArgument("cannot commit " + staging + " into " + folder +
                                   ": one contains the other");
  }
  ASSIGN_OR_RETURN(FolderState state, Inspect(folder));
  if (state == FolderState::kNotAFolder) {
    return Status::AlreadyExists(folder + ": exists and is not a folder");
  }
  bool has_content = state == FolderState::kHasContent;
  if (has_content && mode == SaveMode::kIgnore) return Status::OK();
  if (has_content && mode == SaveMode::kErrorIfExists) {
    return Status::AlreadyExists(folder +
                                 ": output folder already exists and is not empty "
                                 "(save mode error_if_exists)");
  }
  // An empty commit still publishes an (empty) folder with its _SUCCESS marker.
  RETURN_NOT_OK(internal::MakeDirs(staging));
  // _SUCCESS must be written after the data files, never carried over from the writer.
  std::string staged_success = staging + "/" + kSuccess;
  if (::unlink(staged_success.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("cannot remove " + staged_success, errno);
  }
  if (has_content && mode == SaveMode::kAppend) {
    RETURN_NOT_OK(MoveInto(store, staging_key, folder));
    return internal::WriteFileAtomic(folder + "/" + kSuccess, "");
  }
  RETURN_NOT_OK(internal::WriteFileAtomic(staged_success, ""));
  return Publish(staging, folder, state);
}

}  // namespace

std::string FileObjectStore::NewStagingPrefix(std::string_view folder_prefix) const {
  std::string folder(folder_prefix);
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  size_t slash = folder.rfind('/');
  std::string parent = slash == std::string::npos ? "" : folder.substr(0, slash + 1);
  return parent + internal::HiddenSibling(folder.substr(parent.size()), "staging") + "/";
}

Status FileObjectStore::DiscardStaging(std::string_view staging_prefix) {
  ASSIGN_OR_RETURN(std::string staging_key, internal::NormalizeFolderPrefix(staging_prefix));
  return internal::RemoveTree(StripSlash(PathOf(staging_key)));
}

Status FileObjectStore::CommitFolder(std::string_view staging_prefix,
                                     std::string_view folder_prefix, SaveMode mode) {
  // An invalid staging prefix cannot be removed safely: it might point anywhere.
  ASSIGN_OR_RETURN(std::string staging_key, internal::NormalizeFolderPrefix(staging_prefix));
  Status st;
  auto folder_key = internal::NormalizeFolderPrefix(folder_prefix);
  if (!folder_key.ok()) {
    st = folder_key.status();
  } else {
    st = Commit(*this, staging_key, *folder_key, mode);
  }
  Status cleanup = internal::RemoveTree(StripSlash(PathOf(staging_key)));
  if (!cleanup.ok()) {
    if (!st.ok()) return st;
    // The commit itself is done and visible; a leftover hidden folder is only litter.
    Log().warn("commit of {} succeeded but {}", PathOf(*folder_key), cleanup.message());
  }
  return st;
}

}  // namespace sluice::storage
