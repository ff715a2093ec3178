#include "storage/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "storage/file_util.h"

namespace sluice::storage {

namespace {

Status OpenError(const std::string& path, int err) {
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(path + ": no such file");
  return ErrnoStatus("cannot open " + path, err);
}

// Reads with pread so that one open file serves many threads without a shared offset.
class FileReader : public ObjectReader {
 public:
  FileReader(int fd, int64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileReader() override { ::close(fd_); }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  int64_t Size() const override { return size_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) const override {
    if (offset < 0 || length < 0) {
      return Status::InvalidArgument(path_ + ": negative read offset or length");
    }
    int64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, static_cast<size_t>(length - done), offset + done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot read " + path_, errno);
      }
      if (n == 0) break;  // end of file
      done += n;
    }
    return done;
  }

 private:
  int fd_;
  int64_t size_;
  std::string path_;
};

Result<std::unique_ptr<FileReader>> OpenFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OpenError(path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("cannot stat " + path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::NotFound(path + ": is a folder, not an object");
  }
  return std::make_unique<FileReader>(fd, static_cast<int64_t>(st.st_size), path);
}

}  // namespace

FileObjectStore::FileObjectStore(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FileObjectStore::RootUri() const {
  return root_ == "/" ? "file:///" : "file://" + root_ + "/";
}

std::string FileObjectStore::PathOf(std::string_view key) const {
  return (root_ == "/" ? "" : root_) + "/" + std::string(key);
}

Result<std::string> FileObjectStore::Get(std::string_view key) const {
  return GetRange(key, 0, INT64_MAX);
}

Result<std::string> FileObjectStore::GetRange(std::string_view key, int64_t offset,
                                              int64_t length) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  std::string path = PathOf(key);
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument(path + ": negative range (offset " + std::to_string(offset) +
                                   ", length " + std::to_string(length) + ")");
  }
  ASSIGN_OR_RETURN(auto reader, OpenFile(path));
  int64_t available = std::max<int64_t>(0, reader->Size() - offset);
  std::string out(static_cast<size_t>(std::min(length, available)), '\0');
  ASSIGN_OR_RETURN(int64_t n, reader->ReadAt(offset, static_cast<int64_t>(out.size()), out.data()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::unique_ptr<ObjectReader>> FileObjectStore::OpenReader(std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  ASSIGN_OR_RETURN(auto reader, OpenFile(PathOf(key)));
  return std::unique_ptr<ObjectReader>(std::move(reader));
}

Status FileObjectStore::Put(std::string_view key, std::string_view data) {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  return internal::WriteFileAtomic(PathOf(key), data);
}

Result<ObjectInfo> FileObjectStore::Head(std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  std::string path = PathOf(key);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return OpenError(path, errno);
  if (!S_ISREG(st.st_mode)) return Status::NotFound(path + ": is a folder, not an object");
  return ObjectInfo{std::string(key), static_cast<int64_t>(st.st_size), internal::MtimeMs(st)};
}

Status FileObjectStore::Delete(std::string_view key) {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  std::string path = PathOf(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return ErrnoStatus("cannot delete " + path, errno);
  }
  return Status::OK();
}

}  // namespace sluice::storage
