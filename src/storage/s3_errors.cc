// S3 error answers: which are transient, which Status code each becomes, and what to check.
// Messages name the bucket and key, the endpoint and the access key id, never a secret.
#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "storage/s3_client.h"
#include "storage/s3_client_internal.h"
#include "storage/s3_xml.h"

namespace sluice::storage {
namespace internal {
namespace {

bool OneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// The code an answer without an XML body stands for (HEAD answers never have one).
std::string CodeFromStatus(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    case 416:
      return "InvalidRange";
    case 429:
      return "SlowDown";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return "Http" + std::to_string(status);
  }
}

// The first line of a non-XML body (a proxy's page), kept short and printable.
std::string PlainSnippet(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) {
    if (c == '\n' || c == '\r') break;
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  return out;
}

std::string Source(const S3ClientOptions& options) {
  std::string who = options.credentials_source.empty() ? "the connection or AWS profile in use"
                                                       : options.credentials_source;
  return who + " (access key id " + options.credentials.access_key_id + ")";
}

bool IsWrite(std::string_view operation) {
  return operation.starts_with("Put") || operation.starts_with("Upload") ||
         operation.starts_with("Complete") || operation.starts_with("Copy");
}

std::string Hint(const S3ErrorInfo& error, const S3ClientOptions& options,
                 std::string_view operation) {
  const std::string& code = error.code;
  if (code == "NoSuchBucket") {
    return "; check the bucket name, and that the endpoint " + options.endpoint_url +
           " and region " + options.region + " are the bucket's";
  }
  if (OneOf(code, {"NoSuchKey", "NotFound"})) {
    return "; no object has this key: check the key (keys are case-sensitive) and the bucket";
  }
  if (OneOf(code, {"AccessDenied", "Forbidden", "AllAccessDisabled"})) {
    std::string hint = "; the credentials of " + Source(options) + " may not " +
                       std::string(operation) + " here: check the IAM policy and the bucket policy";
    if (error.message.empty()) {
      hint +=
          " (a HEAD answer carries no error code, so a wrong secret or an unknown access "
          "key looks the same; a GET of the key tells which)";
    }
    return hint;
  }
  if (code == "SignatureDoesNotMatch") {
    return "; check the secret access key of " + Source(options) +
           ", and that no proxy rewrites the request";
  }
  if (code == "InvalidAccessKeyId") {
    return "; the endpoint does not know the access key id of " + Source(options) +
           ": check it, and that it is meant for " + options.endpoint_url;
  }
  if (OneOf(code, {"ExpiredToken", "InvalidToken", "TokenRefreshRequired"})) {
    return "; the session token of " + Source(options) + " is not valid: refresh the credentials";
  }
  if (code == "RequestTimeTooSkewed") return "; this machine's clock is wrong: set it right";
  if (OneOf(code, {"AuthorizationHeaderMalformed", "PermanentRedirect",
                   "IllegalLocationConstraintException"})) {
    return "; the bucket may live in another region than " + options.region +
           ": set region in the connection (or AWS_REGION) to the bucket's";
  }
  if (code == "PreconditionFailed") {
    return IsWrite(operation) ? "; the object already exists and the write asked for a new one"
                              : "; the object changed while it was being read: run again";
  }
  return "";
}

StatusCode CodeFor(const S3ErrorInfo& error, std::string_view operation) {
  const std::string& code = error.code;
  if (OneOf(code, {"NoSuchBucket", "NoSuchKey", "NotFound", "NoSuchUpload"})) {
    return StatusCode::kNotFound;
  }
  if (code == "PreconditionFailed" && IsWrite(operation)) return StatusCode::kAlreadyExists;
  if (code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists") {
    return StatusCode::kAlreadyExists;
  }
  if (OneOf(code, {"AccessDenied", "Forbidden", "AllAccessDisabled", "SignatureDoesNotMatch",
                   "InvalidAccessKeyId", "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
                   "RequestTimeTooSkewed", "AuthorizationHeaderMalformed", "PermanentRedirect",
                   "InvalidBucketName", "InvalidArgument", "KeyTooLongError", "EntityTooLarge",
                   "EntityTooSmall", "InvalidPart", "InvalidPartOrder"})) {
    return StatusCode::kInvalidArgument;
  }
  return StatusCode::kIoError;
}

std::string Attempts(int attempts) {
  return attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
}

std::string Where(std::string_view bucket, std::string_view key) {
  return key.empty() ? "s3://" + std::string(bucket) : S3Uri(bucket, key);
}

}  // namespace

S3ErrorInfo ParseS3Error(int http_status, std::string_view body) {
  S3ErrorInfo error;
  error.http_status = http_status;
  error.code = XmlText(body, "Code");
  error.message = XmlText(body, "Message");
  if (error.code.empty()) error.code = CodeFromStatus(http_status);
  if (error.message.empty() && !body.empty() && body.front() != '<') {
    error.message = PlainSnippet(body);
  }
  return error;
}

bool IsRetryableS3Error(const S3ErrorInfo& error) {
  if (error.http_status == 429 || error.http_status >= 500) {
    return error.http_status != 501;  // NotImplemented will not change
  }
  return OneOf(error.code,
               {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
                "ThrottlingException", "RequestLimitExceeded", "OperationAborted"});
}

Status S3ErrorStatus(const S3ErrorInfo& error, const S3ClientOptions& options,
                     std::string_view operation, std::string_view bucket, std::string_view key,
                     int attempts) {
  std::string text = Where(bucket, key) + ": S3 " + std::string(operation) + " at " +
                     options.endpoint_url + " answered " + error.code + " (HTTP " +
                     std::to_string(error.http_status) + ")";
  if (!error.message.empty()) text += ": " + error.message;
  text += Hint(error, options, operation) + Attempts(attempts);
  return Status(CodeFor(error, operation), std::move(text));
}

Status S3TransportStatus(const Status& failure, std::string_view operation, std::string_view bucket,
                         std::string_view key, int attempts) {
  std::string text = Where(bucket, key) + ": S3 " + std::string(operation) + " failed" +
                     Attempts(attempts) + ": " + failure.message();
  if (failure.message().find("onnect") != std::string::npos) {
    text += "; check the endpoint URL and that the service is up";
  }
  return Status(failure.code(), std::move(text));
}

}  // namespace internal

std::string S3ErrorCode(const Status& status) {
  // "... at <endpoint> answered <Code> (HTTP <n>)": the endpoint holds no spaces.
  const std::string& text = status.message();
  size_t at = text.rfind(" answered ");
  while (at != std::string::npos) {
    size_t start = at + 10;
    size_t end = text.find(" (HTTP ", start);
    if (end != std::string::npos) {
      std::string code = text.substr(start, end - start);
      bool word = !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0;
      });
      if (word) return code;
    }
    if (at == 0) break;
    at = text.rfind(" answered ", at - 1);
  }
  return "";
}

}  // namespace sluice::storage
