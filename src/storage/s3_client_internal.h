// The pieces of S3Client shared by its files (private to storage): one request as the client
// describes it, how error answers become a Status, and which failures are worth retrying.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/http_client.h"
#include "storage/s3_client.h"

namespace sluice::storage {

// One S3 request before addressing and signing.
struct S3Client::Call {
  Call(std::string operation_name, std::string http_method, std::string_view bucket_name,
       std::string_view object_key)
      : operation(std::move(operation_name)),
        method(std::move(http_method)),
        bucket(bucket_name),
        key(object_key) {}

  std::string operation;  // "GetObject", for messages
  std::string method;
  std::string bucket;
  std::string key;  // raw; "" for bucket-level requests
  // Raw names and values, encoded when the URL is built; a pair with an empty value goes on
  // the wire as a bare name ("?uploads").
  std::vector<std::pair<std::string, std::string>> query;
  HttpHeaders headers;    // besides Host and SigV4's
  std::string_view body;  // not owned
  std::function<Status(std::string_view)> on_body;
  // Answers that come back 200 with an <Error> body (CopyObject, CompleteMultipartUpload):
  // the element a real success carries.
  std::string success_element;
};

namespace internal {

// Whether a bucket name can be a DNS label set of a virtual-host name (and, over https, one
// a wildcard certificate covers: no dots).
bool VirtualHostable(std::string_view bucket, bool https);
// Checks a bucket name enough to build a URL with it.
Status ValidateBucketName(std::string_view bucket);
// Refuses keys a URL cannot carry as they are: empty, "." or ".." segments.
Status ValidateS3Key(std::string_view key);

// The query string of a call, encoded as SigV4 canonicalises it.
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query);

// What the error answer (or its first bytes) says: Code and Message, from the XML body or,
// for bodiless answers (HEAD), from the HTTP status.
struct S3ErrorInfo {
  int http_status = 0;
  std::string code;
  std::string message;
};
S3ErrorInfo ParseS3Error(int http_status, std::string_view body);
// Throttling, server faults and timeouts S3 asks clients to retry.
bool IsRetryableS3Error(const S3ErrorInfo& error);
// "s3://b/k: S3 GetObject at http://e answered NoSuchKey (HTTP 404): ...; <what to check>"
Status S3ErrorStatus(const S3ErrorInfo& error, const S3ClientOptions& options,
                     std::string_view operation, std::string_view bucket, std::string_view key,
                     int attempts);
// A transport failure after `attempts` tries.
Status S3TransportStatus(const Status& failure, std::string_view operation, std::string_view bucket,
                         std::string_view key, int attempts);

// HTTP dates ("Wed, 21 Oct 2015 07:28:00 GMT") and S3's ISO 8601 times, as ms since the
// epoch; 0 when the text does not parse.
int64_t ParseHttpDateMs(std::string_view text);
int64_t ParseIsoTimeMs(std::string_view text);
// base64 of the MD5 of `data`, for Content-MD5.
std::string Md5Base64(std::string_view data);

}  // namespace internal
}  // namespace sluice::storage
