// GetObject, whole or by byte range, streamed as it arrives. A connection that drops in the
// middle of a body is resumed with a Range from the first byte not yet received (and If-Match,
// so the rest comes from the same version of the object).
#include <algorithm>
#include <cstring>

#include "storage/s3_client.h"
#include "storage/s3_client_internal.h"

namespace sluice::storage {
namespace {

// How much of an answer's start is kept to read an error from.
constexpr size_t kSampleBytes = 8192;
// Error answers are small XML documents: a dropped answer shorter than this that starts with
// '<' may have been one, so its bytes are fetched again rather than kept as data.
constexpr int64_t kErrorAnswerBound = 64 << 10;
// Resumptions that made progress do not count as failures, but there is still a limit.
constexpr int kMaxResumptions = 100;

std::string RangeHeader(int64_t from, int64_t length) {
  std::string range = "bytes=" + std::to_string(from) + "-";
  if (length >= 0) range += std::to_string(from + length - 1);
  return range;
}

}  // namespace

Result<int64_t> S3Client::Stream(std::string_view bucket, std::string_view key, int64_t offset,
                                 int64_t length, std::string_view if_match,
                                 const std::function<void(int64_t, std::string_view)>& sink) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(key));
  if (offset < 0 || length < -1) {
    return Status::InvalidArgument(S3Uri(bucket, key) + ": negative read offset or length");
  }
  if (length == 0) return int64_t{0};
  const int max_failures = std::max(1, options_.backoff.max_attempts);
  std::string etag(if_match);
  int64_t done = 0;
  int failures = 0;
  for (int attempt = 1;; ++attempt) {
    const int64_t start = done;
    const int64_t want = length < 0 ? -1 : length - start;
    std::string sample;
    Call call{"GetObject", "GET", std::string(bucket), std::string(key)};
    bool ranged = offset + start > 0 || length >= 0;
    if (ranged) call.headers.emplace_back("Range", RangeHeader(offset + start, want));
    if (!etag.empty()) call.headers.emplace_back("If-Match", etag);
    call.on_body = [&](std::string_view chunk) {
      if (sample.size() < kSampleBytes) {
        sample.append(chunk.substr(0, kSampleBytes - sample.size()));
      }
      int64_t room = length < 0 ? static_cast<int64_t>(chunk.size()) : length - done;
      int64_t n = std::min<int64_t>(room, static_cast<int64_t>(chunk.size()));
      if (n > 0) sink(done, chunk.substr(0, static_cast<size_t>(n)));
      done += n;
      return Status::OK();
    };
    Result<HttpResponse> response = SendOnce(call);
    if (!response.ok()) {
      if (response.status().code() != StatusCode::kIoError) return response.status();
      int64_t got = done - start;
      if (got > 0 && got < kErrorAnswerBound && sample.starts_with('<')) done = start;
      failures = done > start ? 0 : failures + 1;
      if (failures >= max_failures || attempt > kMaxResumptions) {
        return internal::S3TransportStatus(response.status(), "GetObject", bucket, key, attempt);
      }
      if (done == start) {
        SleepBeforeRetry(options_.backoff, failures - 1);
      } else if (etag.empty()) {
        // Resuming: the rest must come from the version the first bytes came from.
        Result<S3ObjectMeta> meta = HeadObject(bucket, key);
        if (meta.ok()) etag = meta->etag;
      }
      continue;
    }
    int status = response->status;
    if (status == 206 || (status == 200 && !ranged)) return done;
    if (status == 200) {
      if (offset + start == 0) return done;  // the whole object, cut to the length asked
      return Status::NotSupported(S3Uri(bucket, key) + ": the endpoint " + options_.endpoint_url +
                                  " ignored a Range request; ranged reads need an S3 endpoint "
                                  "that honours Range");
    }
    done = start;                    // what arrived was an error answer, not data
    if (status == 416) return done;  // nothing at or past the end of the object
    internal::S3ErrorInfo error = internal::ParseS3Error(status, sample);
    if (++failures < max_failures && internal::IsRetryableS3Error(error)) {
      SleepBeforeRetry(options_.backoff, failures - 1);
      continue;
    }
    return internal::S3ErrorStatus(error, options_, "GetObject", bucket, key, attempt);
  }
}

Result<int64_t> S3Client::ReadObjectRange(std::string_view bucket, std::string_view key,
                                          int64_t offset, int64_t length, char* out,
                                          std::string_view if_match) const {
  if (length < 0) {
    return Status::InvalidArgument(S3Uri(bucket, key) + ": negative read length");
  }
  return Stream(bucket, key, offset, length, if_match, [out](int64_t at, std::string_view chunk) {
    std::memcpy(out + at, chunk.data(), chunk.size());
  });
}

Result<std::string> S3Client::GetObjectRange(std::string_view bucket, std::string_view key,
                                             int64_t offset, int64_t length) const {
  if (length < 0) {
    return Status::InvalidArgument(S3Uri(bucket, key) + ": negative read length");
  }
  // "Everything from offset" is asked for without an upper bound, which cannot overflow.
  if (offset >= 0 && length > INT64_MAX - offset) length = -1;
  std::string out;
  auto sink = [&out](int64_t at, std::string_view chunk) {
    out.resize(static_cast<size_t>(at));
    out.append(chunk);
  };
  ASSIGN_OR_RETURN(int64_t n, Stream(bucket, key, offset, length, "", sink));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> S3Client::GetObject(std::string_view bucket, std::string_view key) const {
  return GetObjectRange(bucket, key, 0, INT64_MAX);
}

}  // namespace sluice::storage
