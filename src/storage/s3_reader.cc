// S3ObjectStore::OpenReader: an ObjectReader over ranged GETs. The object's size and ETag come
// from one HEAD; every read is pinned to that ETag (If-Match), so a reader never mixes two
// versions of an object. Nothing is buffered beyond one read-ahead window (16 MiB at most).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "common/thread_pool.h"
#include "storage/file_util.h"
#include "storage/s3_store.h"

namespace sluice::storage {
namespace {

// Reads smaller than this (a CSV header, a probe) are served from a window of kWindow bytes
// fetched at once, instead of one round trip each.
constexpr int64_t kSmallRead = 256 << 10;
constexpr int64_t kWindow = 1 << 20;
// A read that continues where the previous one ended fetches this much at once: a reader that
// walks the object in small pieces (`sluice storage cat`) then pays one request per window, not
// per piece. Reads of kSequentialMax or more (the CSV reader's ranges, read several at once)
// are big enough to be requests of their own.
constexpr int64_t kSequentialWindow = 16 << 20;
constexpr int64_t kSequentialMax = 4 << 20;
// Reads larger than two chunks are split into chunks fetched in parallel.
constexpr int64_t kParallelChunk = 8 << 20;

class S3Reader : public ObjectReader {
 public:
  S3Reader(std::shared_ptr<const S3Client> client, std::string bucket, S3ObjectMeta meta)
      : client_(std::move(client)), bucket_(std::move(bucket)), meta_(std::move(meta)) {}

  int64_t Size() const override { return meta_.size; }
  bool IsRemote() const override { return true; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) const override {
    if (offset < 0 || length < 0) {
      return Status::InvalidArgument(S3Uri(bucket_, meta_.key) +
                                     ": negative read offset or length");
    }
    int64_t n = std::min(length, std::max<int64_t>(0, meta_.size - offset));
    if (n == 0) return int64_t{0};
    bool sequential = last_end_.exchange(offset + n) == offset;
    if (FromWindow(offset, n, out)) return n;
    if (n < kSmallRead) return ThroughWindow(offset, n, kWindow, out);
    if (sequential && n < kSequentialMax) return ThroughWindow(offset, n, kSequentialWindow, out);
    if (n > 2 * kParallelChunk) return ReadParallel(offset, n, out);
    return ReadExactly(offset, n, out);
  }

 private:
  // Exactly `n` bytes, or an error: the size came from HEAD, so fewer means the object changed.
  Result<int64_t> ReadExactly(int64_t offset, int64_t n, char* out) const {
    ASSIGN_OR_RETURN(int64_t got,
                     client_->ReadObjectRange(bucket_, meta_.key, offset, n, out, meta_.etag));
    if (got != n) {
      return Status::IoError(S3Uri(bucket_, meta_.key) + ": expected " + std::to_string(n) +
                             " bytes at offset " + std::to_string(offset) + ", got " +
                             std::to_string(got) + " (the object changed while being read?)");
    }
    return n;
  }

  // Copies [offset, offset + n) from the window if the window holds all of it.
  bool FromWindow(int64_t offset, int64_t n, char* out) const {
    std::shared_ptr<const std::string> window;
    int64_t window_offset = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      window = window_;
      window_offset = window_offset_;
    }
    if (!window || offset < window_offset ||
        offset + n > window_offset + static_cast<int64_t>(window->size())) {
      return false;
    }
    std::memcpy(out, window->data() + (offset - window_offset), static_cast<size_t>(n));
    return true;
  }

  // Fetches `window_bytes` from `offset` as the new window, then serves the read from it.
  Result<int64_t> ThroughWindow(int64_t offset, int64_t n, int64_t window_bytes, char* out) const {
    int64_t fetch = std::min(std::max(n, window_bytes), meta_.size - offset);
    {
      // The old window is done with: letting it go first keeps one window alive, not two.
      std::lock_guard<std::mutex> lock(mu_);
      window_.reset();
    }
    auto fresh = std::make_shared<std::string>(static_cast<size_t>(fetch), '\0');
    RETURN_NOT_OK(ReadExactly(offset, fetch, fresh->data()).status());
    std::memcpy(out, fresh->data(), static_cast<size_t>(n));
    std::lock_guard<std::mutex> lock(mu_);
    window_ = std::move(fresh);
    window_offset_ = offset;
    return n;
  }

  Result<int64_t> ReadParallel(int64_t offset, int64_t n, char* out) const {
    size_t chunks = static_cast<size_t>((n + kParallelChunk - 1) / kParallelChunk);
    Status st = ThreadPool::Default().ParallelFor(
        chunks,
        [&](size_t i) -> Status {
          int64_t begin = static_cast<int64_t>(i) * kParallelChunk;
          int64_t size = std::min(kParallelChunk, n - begin);
          return ReadExactly(offset + begin, size, out + begin).status();
        },
        client_->options().max_parallel_parts);
    if (!st.ok()) return st;
    return n;
  }

  std::shared_ptr<const S3Client> client_;
  std::string bucket_;
  S3ObjectMeta meta_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const std::string> window_;
  mutable int64_t window_offset_ = 0;
  mutable std::atomic<int64_t> last_end_{-1};  // where the previous read ended
};

}  // namespace

Result<std::unique_ptr<ObjectReader>> S3ObjectStore::OpenReader(std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateObjectKey(key));
  ASSIGN_OR_RETURN(S3ObjectMeta meta, client_->HeadObject(bucket_, key));
  return std::unique_ptr<ObjectReader>(new S3Reader(client_, bucket_, std::move(meta)));
}

}  // namespace sluice::storage
