// A client for the S3 REST API (design.md §5) on HttpClient and SigV4, for Amazon S3 and any
// S3-compatible endpoint (MinIO, moto, s3rver): objects whole or by byte range, single and
// multipart uploads, listing, copy and delete, with retries and errors that say what to check.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/aws_credentials.h"
#include "storage/backoff.h"
#include "storage/http_client.h"

namespace sluice::storage {

// Path-style puts the bucket in the path (http://host/bucket/key), virtual-host style in the
// host name (https://bucket.s3.amazonaws.com/key). kAuto: virtual-host for AWS's own endpoints
// when the bucket name allows it, path-style for every other endpoint.
enum class S3Addressing { kAuto, kPath, kVirtualHost };
// "auto", "path" or "virtual" (also "virtual-host", "virtual_host").
Result<S3Addressing> ParseS3Addressing(std::string_view text);

struct S3ClientOptions {
  std::string
      endpoint_url;  // http(s)://host[:port][/base-path], e.g. https://s3.us-east-1.amazonaws.com
  std::string region = "us-east-1";
  Credentials credentials;
  // Where the credentials came from, for messages ("SLUICE_CONN_AWS_DEFAULT").
  std::string credentials_source;
  S3Addressing addressing = S3Addressing::kAuto;
  HttpClientOptions http{std::chrono::milliseconds(10'000), std::chrono::milliseconds(600'000)};
  BackoffOptions backoff;  // 5 tries, full jitter from 100 ms to 20 s
  // PutObject uploads objects larger than this in parts of `part_size` (S3's minimum part is
  // 5 MiB), at most `max_parallel_parts` at once on the shared thread pool.
  int64_t multipart_threshold = int64_t{16} << 20;
  int64_t part_size = int64_t{8} << 20;
  int max_parallel_parts = 8;
  // CopyObject copies objects larger than this (S3's limit for one copy is 5 GiB) in parts.
  int64_t multipart_copy_threshold = int64_t{5} << 30;
  int64_t copy_part_size = int64_t{512} << 20;
};

struct S3ObjectMeta {
  std::string key;
  int64_t size = 0;
  int64_t mtime_ms = 0;  // ms since the Unix epoch
  std::string etag;      // as S3 gives it, quotes included
};

struct S3ListPage {
  std::vector<S3ObjectMeta> objects;         // in S3's order (UTF-8 binary order of keys)
  std::vector<std::string> common_prefixes;  // with a delimiter only
  std::string next_continuation_token;       // "" on the last page
};

struct S3PutOptions {
  // Sends If-None-Match: * (on the PUT, or on CompleteMultipartUpload), so the write fails with
  // AlreadyExists (PreconditionFailed) when the key exists. A retry after a lost answer can
  // meet the client's own write and fail the same way.
  bool if_none_match = false;
  std::string content_type;  // "" sends none
};

class S3Client {
 public:
  // InvalidArgument when the endpoint is not an http(s) URL, the credentials lack a key or a
  // secret, or a part size is out of S3's range.
  static Result<std::shared_ptr<S3Client>> Make(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3ClientOptions& options() const { return options_; }

  // Every call may run on several threads at once; connections are reused between calls.
  Result<std::string> GetObject(std::string_view bucket, std::string_view key) const;
  // Up to `length` bytes from `offset` (fewer at the end of the object; "" past it).
  Result<std::string> GetObjectRange(std::string_view bucket, std::string_view key, int64_t offset,
                                     int64_t length) const;
  // Streams bytes [offset, offset + length) into `out`; returns how many (fewer only at the
  // end of the object). A dropped connection resumes where it stopped. With `if_match` (an
  // ETag) a changed object fails with PreconditionFailed instead of mixing two versions.
  Result<int64_t> ReadObjectRange(std::string_view bucket, std::string_view key, int64_t offset,
                                  int64_t length, char* out, std::string_view if_match = "") const;

  // One PUT up to multipart_threshold, a multipart upload above it (parts in parallel; any
  // failure aborts the upload, so no part is left stored).
  Status PutObject(std::string_view bucket, std::string_view key, std::string_view data,
                   const S3PutOptions& put = {}) const;
  Status PutObjectSingle(std::string_view bucket, std::string_view key, std::string_view data,
                         const S3PutOptions& put = {}) const;
  Status PutObjectMultipart(std::string_view bucket, std::string_view key, std::string_view data,
                            const S3PutOptions& put = {}) const;

  // One page of ListObjectsV2 (max_keys at most 1000).
  Result<S3ListPage> ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                   std::string_view continuation_token = "", int max_keys = 1000,
                                   std::string_view delimiter = "") const;
  // Every object under `prefix`, following continuation tokens.
  Result<std::vector<S3ObjectMeta>> ListAllObjects(std::string_view bucket, std::string_view prefix,
                                                   int page_size = 1000) const;
  // NotFound (S3ErrorCode "NotFound": HEAD answers carry no code) when there is no such object.
  Result<S3ObjectMeta> HeadObject(std::string_view bucket, std::string_view key) const;
  // A missing key is not an error (as on S3).
  Status DeleteObject(std::string_view bucket, std::string_view key) const;
  // DeleteObjects in batches of 1000; the first key S3 could not delete is the error.
  Status DeleteObjects(std::string_view bucket, const std::vector<std::string>& keys) const;
  // Server-side copy within a bucket; in parts when `size` (-1: unknown, asked with HEAD)
  // exceeds multipart_copy_threshold.
  Status CopyObject(std::string_view bucket, std::string_view from_key, std::string_view to_key,
                    int64_t size = -1) const;

  Status CreateBucket(std::string_view bucket) const;
  // (key, upload id) of the multipart uploads in progress under `prefix`.
  Result<std::vector<std::pair<std::string, std::string>>> ListMultipartUploads(
      std::string_view bucket, std::string_view prefix = "") const;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id) const;

 private:
  struct Call;
  explicit S3Client(S3ClientOptions options);
  // One signed attempt, no retries.
  Result<HttpResponse> SendOnce(const Call& call) const;
  // Retries transport failures, 5xx and throttling; a final error answer becomes a Status.
  Result<HttpResponse> Execute(const Call& call) const;
  // Streams bytes from `offset` (`length` of them, or to the end when -1) into sink(at, chunk),
  // `at` counting from `offset`; resumes a dropped connection. Returns how many arrived.
  Result<int64_t> Stream(std::string_view bucket, std::string_view key, int64_t offset,
                         int64_t length, std::string_view if_match,
                         const std::function<void(int64_t, std::string_view)>& sink) const;
  Result<std::string> CreateMultipartUpload(const Call& base) const;
  Status CompleteMultipartUpload(const Call& base, const std::string& upload_id,
                                 const std::vector<std::string>& etags) const;
  Status UploadParts(std::string_view bucket, std::string_view key, std::string_view data,
                     const std::string& upload_id, std::vector<std::string>* etags) const;
  Status CopyParts(std::string_view bucket, std::string_view from_key, std::string_view to_key,
                   int64_t size, const std::string& upload_id,
                   std::vector<std::string>* etags) const;
  Status CopyObjectMultipart(std::string_view bucket, std::string_view from_key,
                             std::string_view to_key, int64_t size) const;
  Status DeleteBatch(std::string_view bucket, const std::vector<std::string>& keys, size_t begin,
                     size_t end) const;

  S3ClientOptions options_;
  std::string scheme_;     // "http" or "https"
  std::string host_;       // host[:port] of the endpoint
  std::string base_path_;  // "" or "/base", from the endpoint URL
  bool aws_endpoint_ = false;
  std::unique_ptr<HttpClient> http_;
};

// The S3 error code a Status from S3Client carries ("NoSuchKey", "SlowDown"), or "".
std::string S3ErrorCode(const Status& status);
// How a key goes into a URL path (and SigV4's canonical URI): UriEncode leaving '/' as is.
std::string S3EncodeKey(std::string_view key);
// "s3://bucket/key", for messages.
std::string S3Uri(std::string_view bucket, std::string_view key);

}  // namespace sluice::storage
