#include "engine/object_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>

namespace sluice::engine {

namespace {

constexpr std::string_view kFileScheme = "file://";

// The temporary name follows the file store's convention (".<name>.tmp-<hex>"), so
// listings skip it while it is being written.
std::string TempPathFor(const std::string& path) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  uint64_t bits = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  std::string hex;
  for (int i = 0; i < 16; ++i, bits >>= 4) hex += kHex[bits & 0xf];
  size_t slash = path.rfind('/');
  return path.substr(0, slash + 1) + "." + path.substr(slash + 1) + ".tmp-" + hex;
}

class LocalFileSink : public ObjectSink {
 public:
  LocalFileSink(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  ~LocalFileSink() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_.c_str());
    }
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::Internal(path_ + ": write after close");
    bytes_ += static_cast<int64_t>(data.size());
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot write " + path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    Status st;
    if (::close(fd) != 0) st = ErrnoStatus("cannot write " + path_, errno);
    if (st.ok() && ::rename(temp_.c_str(), path_.c_str()) != 0) {
      st = ErrnoStatus("cannot replace " + path_, errno);
    }
    if (!st.ok()) ::unlink(temp_.c_str());
    return st;
  }

 private:
  std::string path_;
  std::string temp_;
  int fd_;
};

class BufferedSink : public ObjectSink {
 public:
  BufferedSink(std::shared_ptr<storage::ObjectStore> store, std::string key)
      : store_(std::move(store)), key_(std::move(key)) {}

  Status Append(std::string_view data) override {
    bytes_ += static_cast<int64_t>(data.size());
    buffer_.append(data);
    return Status::OK();
  }
  Status Close() override { return store_->Put(key_, buffer_); }

 private:
  std::shared_ptr<storage::ObjectStore> store_;
  std::string key_;
  std::string buffer_;
};

Result<std::unique_ptr<ObjectSink>> OpenLocal(const std::string& path) {
  std::error_code ec;
  std::string dir = std::filesystem::path(path).parent_path().string();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create folder " + dir + ": " + ec.message());
  std::string temp = TempPathFor(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create " + path, errno);
  return std::unique_ptr<ObjectSink>(new LocalFileSink(path, std::move(temp), fd));
}

}  // namespace

Result<std::unique_ptr<ObjectSink>> ObjectSink::Open(const storage::Location& folder,
                                                     std::string_view name) {
  std::string key = folder.key;
  if (!key.empty() && key.back() != '/') key += '/';
  key += name;
  RETURN_NOT_OK(storage::ValidateKey(key).WithContext(storage::JoinUri(folder.uri, name)));
  std::string root = folder.store->RootUri();
  if (root.starts_with(kFileScheme)) return OpenLocal(root.substr(kFileScheme.size()) + key);
  return std::unique_ptr<ObjectSink>(new BufferedSink(folder.store, std::move(key)));
}

}  // namespace sluice::engine
