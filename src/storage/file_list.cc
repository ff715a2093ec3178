// FileObjectStore::List: a recursive walk that reads a key prefix as S3 does (not
// necessarily a whole folder name) and hides the backend's work in progress.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "storage/file_store.h"
#include "storage/file_util.h"

namespace sluice::storage {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

// Appends the objects below `dir_path` (whose key is `dir_key`, empty or ending in '/')
// whose first name component starts with `name_prefix`.
Status Walk(const std::string& dir_path, const std::string& dir_key, std::string_view name_prefix,
            std::vector<ObjectInfo>* out) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(dir_path.c_str()));
  if (!dir) {
    // A prefix that matches nothing is an empty listing, as on S3.
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return ErrnoStatus("cannot list " + dir_path, errno);
  }
  for (;;) {
    errno = 0;
    struct dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoStatus("cannot list " + dir_path, errno);
      return Status::OK();
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == ".." || internal::IsInternalName(name)) continue;
    if (!name.starts_with(name_prefix)) continue;
    struct stat st;
    if (::fstatat(dirfd(dir.get()), entry->d_name, &st, 0) != 0) {
      if (errno == ENOENT) continue;  // removed while we were listing
      return ErrnoStatus("cannot stat " + dir_path + "/" + std::string(name), errno);
    }
    std::string key = dir_key + std::string(name);
    if (S_ISDIR(st.st_mode)) {
      std::string sub_path = dir_path + (dir_path.ends_with('/') ? "" : "/") + std::string(name);
      RETURN_NOT_OK(Walk(sub_path, key + "/", "", out));
    } else if (S_ISREG(st.st_mode)) {
      out->push_back(
          ObjectInfo{std::move(key), static_cast<int64_t>(st.st_size), internal::MtimeMs(st)});
    }
  }
}

}  // namespace

Result<std::vector<ObjectInfo>> FileObjectStore::List(std::string_view prefix) const {
  if (!prefix.empty()) RETURN_NOT_OK(ValidateKey(prefix));
  size_t slash = prefix.rfind('/');
  std::string dir_key(slash == std::string_view::npos ? "" : prefix.substr(0, slash + 1));
  std::vector<ObjectInfo> out;
  RETURN_NOT_OK(Walk(PathOf(dir_key), dir_key, prefix.substr(dir_key.size()), &out));
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace sluice::storage
