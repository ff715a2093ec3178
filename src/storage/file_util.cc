#include "storage/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <system_error>

#include "storage/object_store.h"

namespace sluice::storage::internal {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kInternalKinds[] = {".staging-", ".tmp-", ".old-"};

std::mt19937_64& Rng() {
  // Seeded per thread from the OS so two processes (or threads) never pick the same name.
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(getpid());
  }());
  return rng;
}

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write " + path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

}  // namespace

std::string RandomHex(int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  uint64_t bits = 0;
  for (int i = 0; i < n; ++i) {
    if (i % 16 == 0) bits = Rng()();
    out += kDigits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

std::string HiddenSibling(std::string_view name, std::string_view kind) {
  return "." + std::string(name) + "." + std::string(kind) + "-" + RandomHex(16);
}

std::string HiddenSiblingPath(const std::string& path, std::string_view kind) {
  std::string dir = ParentOf(path);
  return (dir == "/" ? "" : dir) + "/" + HiddenSibling(BaseName(path), kind);
}

bool IsInternalName(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return false;
  for (std::string_view kind : kInternalKinds) {
    size_t pos = name.rfind(kind);
    if (pos != std::string_view::npos && pos > 0 && IsHex(name.substr(pos + kind.size()))) {
      return true;
    }
  }
  return false;
}

Status ValidateObjectKey(std::string_view key) {
  RETURN_NOT_OK(ValidateKey(key));
  if (key.back() == '/') {
    return Status::InvalidArgument("invalid key '" + std::string(key) +
                                   "': names a folder, not an object");
  }
  return Status::OK();
}

Result<std::string> NormalizeFolderPrefix(std::string_view prefix) {
  RETURN_NOT_OK(ValidateKey(prefix));
  std::string out(prefix);
  if (out.back() != '/') out += '/';
  return out;
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create folder " + dir + ": " + ec.message());
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string dir = ParentOf(path);
  RETURN_NOT_OK(MakeDirs(dir));
  std::string tmp = HiddenSiblingPath(path, "tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create " + tmp, errno);
  Status st = WriteAll(fd, data, path);
  if (::close(fd) != 0 && st.ok()) st = ErrnoStatus("cannot write " + path, errno);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = ErrnoStatus("cannot replace " + path, errno);
  }
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IoError("cannot remove " + path + ": " + ec.message());
  return Status::OK();
}

int64_t MtimeMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace sluice::storage::internal
