// AWS Signature Version 4: signs the requests of Sluice's EMR and S3 clients, and checks the
// signatures that Sluice's own EMR-compatible service receives (design.md §4, §5, §11).
// Secrets go into HMACs only: no message, field or debug string here ever holds one.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time_util.h"
#include "storage/aws_credentials.h"
#include "storage/http_headers.h"

namespace sluice::storage {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigV4Request {
  std::string method = "GET";
  // The path and query as they go on the wire (percent-encoded, or raw bytes, which are
  // encoded when canonicalised). The query is without its '?'.
  std::string path = "/";
  std::string query;
  // Every header given is signed; Host must be one of them. X-Amz-Date and Authorization
  // given here are ignored (the signer sets them).
  HttpHeaders headers;
  // Hex SHA-256 of the body (Sha256Hex), or kUnsignedPayload.
  std::string payload_sha256 = std::string(kEmptyPayloadSha256);
};

struct SigV4Options {
  std::string region = "us-east-1";
  std::string service;     // "elasticmapreduce", "s3", "iam"
  TimePoint time = Now();  // when the request is signed
  // S3's rules: the path is encoded once and not normalised ("a//b/../c" stays as it is).
  // Other services normalise the path and encode the wire path again ("double encoding").
  bool s3_path = false;
  // Also send and sign x-amz-content-sha256 (S3 requires it).
  bool add_content_sha256 = false;
};

struct SigV4Signature {
  // To add to the request: X-Amz-Date, X-Amz-Security-Token (with a session token),
  // x-amz-content-sha256 (when asked for), Authorization.
  HttpHeaders headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
};

// InvalidArgument when Host is missing or the credentials have no key or secret.
Result<SigV4Signature> SignV4(const SigV4Request& request, const Credentials& credentials,
                              const SigV4Options& options);

// ---- Verification (the server side) ----

// Why a request was refused, so the server can answer as AWS does (SigV4ErrorType).
enum class SigV4Error {
  kNone,
  kMissingAuthentication,  // no Authorization header
  kIncompleteSignature,    // a garbled header, or a missing or wrongly scoped part
  kUnknownAccessKey,       // the lookup does not know the access key id
  kSignatureMismatch,      // the signature (or the body's hash) does not match
  kRequestExpired,         // X-Amz-Date more than the allowed skew from now
  kInternal,               // the secret lookup failed for another reason
};

// What AWS calls the error: for AWS JSON services (EMR) MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException, SignatureDoesNotMatch,
// InvalidSignatureException, InternalFailure; for S3 AccessDenied,
// AuthorizationHeaderMalformed, InvalidAccessKeyId, SignatureDoesNotMatch,
// RequestTimeTooSkewed, InternalError.
std::string_view SigV4ErrorType(SigV4Error error, bool s3);
int SigV4ErrorHttpStatus(SigV4Error error, bool s3);

struct ReceivedRequest {
  std::string_view method;
  std::string_view raw_path;   // as received, before any decoding
  std::string_view raw_query;  // after '?', as received ("" if none)
  HttpHeaders headers;
  std::string_view body;
};

// access key id -> secret; NotFound for an unknown key.
using SecretLookup = std::function<Result<std::string>(std::string_view access_key_id)>;

struct SigV4VerifyOptions {
  std::string service;    // the scope's service must be this one
  std::string region;     // empty: accept the region the client chose
  TimePoint now = Now();  // the server's clock
  std::chrono::minutes max_skew{15};
  bool s3 = false;  // S3's path rules and error names; checks x-amz-content-sha256
};

struct SigV4Verdict {
  SigV4Error error = SigV4Error::kNone;
  // OK, or what AWS says followed by what to check; never a secret.
  Status status;
  std::string access_key_id;      // who signed, when the header said
  std::string canonical_request;  // what the server signed, for debug logs

  bool ok() const { return error == SigV4Error::kNone; }
};

SigV4Verdict VerifySigV4(const ReceivedRequest& request, const SecretLookup& lookup,
                         const SigV4VerifyOptions& options);

// ---- Helpers the S3 client shares ----

std::string Sha256Hex(std::string_view data);
// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - _ . ~ (and '/' unless
// `encode_slash`), with upper-case hex, as SigV4 and S3 keys need.
std::string UriEncode(std::string_view text, bool encode_slash);
// "20150830T123600Z"
std::string FormatAmzDate(TimePoint time);
Result<TimePoint> ParseAmzDate(std::string_view text);

}  // namespace sluice::storage
