// EMR error answers: which are transient, what Status code each becomes, what hint it gets.
#include <algorithm>
#include <cctype>
#include <string>

#include "cluster/emr_client_internal.h"

namespace sluice::cluster {
namespace internal {
namespace {

bool OneOf(std::string_view type, std::initializer_list<std::string_view> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

bool IsThrottling(std::string_view type) {
  return OneOf(type,
               {"ThrottlingException", "ThrottledException", "Throttling", "RequestLimitExceeded",
                "TooManyRequestsException", "RequestThrottledException", "SlowDown"});
}

bool IsServerFault(std::string_view type) {
  return OneOf(type, {"InternalServerError", "InternalServerException", "InternalFailure",
                      "InternalError", "ServiceUnavailable", "ServiceUnavailableException"});
}

bool IsNotFound(std::string_view type, std::string_view message) {
  if (type.ends_with("NotFoundException") || OneOf(type, {"ResourceNotFound", "NoSuchCluster"})) {
    return true;
  }
  bool names_an_id = message.find("id '") != std::string_view::npos &&
                     message.find("is not valid") != std::string_view::npos;
  return type == "InvalidRequestException" &&
         (names_an_id || message.find("not found") != std::string_view::npos ||
          message.find("does not exist") != std::string_view::npos);
}

std::string Hint(std::string_view type, std::string_view operation,
                 const EmrClientOptions& options) {
  std::string source = options.credentials_source.empty() ? "the connection or AWS profile in use"
                                                          : options.credentials_source;
  const std::string local =
      " (for Sluice's local EMR service: $SLUICE_HOME/aws-credentials, profile sluice)";
  if (OneOf(type, {"SignatureDoesNotMatch", "InvalidSignatureException"})) {
    return "; check the secret access key of " + source + local + ", and this machine's clock";
  }
  if (OneOf(type, {"UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId"})) {
    return "; the service does not know the access key id of " + source + ": check it" + local;
  }
  if (OneOf(type, {"MissingAuthenticationTokenException", "MissingAuthenticationToken",
                   "IncompleteSignatureException", "IncompleteSignature"})) {
    return "; the request was not signed as the service expects: check that " + source +
           " has credentials";
  }
  if (OneOf(type, {"ExpiredToken", "ExpiredTokenException"})) {
    return "; the session token of " + source + " has expired: refresh the credentials";
  }
  if (OneOf(type, {"AccessDenied", "AccessDeniedException"})) {
    return "; the credentials of " + source + " may not call " + std::string(operation);
  }
  return "";
}

bool IsRefusal(std::string_view type) {
  return !Hint(type, "", EmrClientOptions{}).empty() ||
         OneOf(type, {"InvalidRequestException", "ValidationException"});
}

std::string Attempts(int attempts) {
  return attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
}

}  // namespace

Transient Classify(const Result<EmrReply>& reply) {
  // A request that could not even be built (no credentials) will not improve by repeating.
  if (!reply.ok()) {
    return reply.status().code() == StatusCode::kIoError ? Transient::kUncertain : Transient::kNo;
  }
  std::string type = reply->error_type();
  if (reply->http_status == 429 || IsThrottling(type)) return Transient::kThrottled;
  if (reply->http_status >= 500 || IsServerFault(type)) return Transient::kUncertain;
  return Transient::kNo;
}

Status FailureStatus(std::string_view operation, const EmrClientOptions& options,
                     const Result<EmrReply>& reply, int attempts) {
  std::string where = "EMR " + std::string(operation) + " at " + options.endpoint;
  if (!reply.ok()) {
    return Status(reply.status().code(),
                  where + " failed: " + reply.status().message() + Attempts(attempts));
  }
  std::string type = reply->error_type();
  if (type.empty()) type = "Http" + std::to_string(reply->http_status);
  std::string message = reply->error_message();
  std::string text =
      where + ": " + type + ": " + message + Hint(type, operation, options) + Attempts(attempts);
  if (IsNotFound(type, message)) return Status::NotFound(std::move(text));
  if (IsRefusal(type)) return Status::InvalidArgument(std::move(text));
  return Status::IoError(std::move(text));
}

}  // namespace internal

std::string EmrErrorType(const Status& status) {
  // "EMR <Operation> at <endpoint>: <Type>: <message>"; the endpoint holds no ": ", and a
  // transport failure reads "... at <endpoint> failed: ..." where no single word follows.
  const std::string& text = status.message();
  for (size_t at = text.find("EMR "); at != std::string::npos; at = text.find("EMR ", at + 1)) {
    size_t op_end = text.find(' ', at + 4);
    if (op_end == std::string::npos || text.compare(op_end, 4, " at ") != 0) continue;
    size_t colon = text.find(": ", op_end + 4);
    if (colon == std::string::npos) return "";
    size_t type_end = text.find(": ", colon + 2);
    if (type_end == std::string::npos) return "";
    std::string type = text.substr(colon + 2, type_end - colon - 2);
    bool word = !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '#';
    });
    return word ? type : "";
  }
  return "";
}

}  // namespace sluice::cluster
