// SigV4 verification for Sluice's own services: parse the Authorization header, check its
// scope and date, recompute the signature with the caller's secret, and compare.
#include <openssl/crypto.h>

#include <algorithm>
#include <map>
#include <vector>

#include "storage/sigv4.h"
#include "storage/sigv4_internal.h"

namespace sluice::storage {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

struct Authorization {
  std::string access_key_id, date8, region, service, terminal;
  std::vector<std::string> signed_headers;
  std::string signature;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

SigV4Verdict Fail(SigV4Error error, std::string message, std::string access_key_id = "") {
  SigV4Verdict verdict;
  verdict.error = error;
  verdict.status = error == SigV4Error::kInternal ? Status::Internal(std::move(message))
                                                  : Status::InvalidArgument(std::move(message));
  verdict.access_key_id = std::move(access_key_id);
  return verdict;
}

// The "Key=value" parameters after the algorithm name, by key.
std::map<std::string, std::string> Parameters(std::string_view text) {
  std::map<std::string, std::string> params;
  for (const std::string& part : Split(text, ',')) {
    std::string_view item = Trim(part);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) params[std::string(item.substr(0, eq))] = item.substr(eq + 1);
  }
  return params;
}

// Fills `auth` from "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...";
// returns what is wrong with the header, or "" when it is complete.
std::string ParseAuthorization(std::string_view header, Authorization* auth) {
  header = Trim(header);
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm) {
    return "the Authorization header must use AWS4-HMAC-SHA256 (Signature Version 4)";
  }
  std::map<std::string, std::string> params = Parameters(header.substr(kAlgorithm.size()));
  std::string missing;
  for (const char* key : {"Credential", "SignedHeaders", "Signature"}) {
    if (params[key].empty()) {
      missing += "Authorization header requires '" + std::string(key) + "' parameter. ";
    }
  }
  if (!missing.empty()) return missing + "Sign the request with SigV4";
  std::vector<std::string> scope = Split(params["Credential"], '/');
  if (scope.size() != 5 || scope[0].empty()) {
    return "Credential '" + params["Credential"] +
           "' is malformed: expected <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request";
  }
  *auth = {scope[0],           scope[1], scope[2],
           scope[3],           scope[4], Split(params["SignedHeaders"], ';'),
           params["Signature"]};
  return "";
}

// What is wrong with the credential scope and the signed headers, or "".
std::string CheckScope(const Authorization& auth, const ReceivedRequest& request,
                       const std::string& amz_date, const SigV4VerifyOptions& options) {
  if (auth.terminal != "aws4_request") return "Credential should end in 'aws4_request'";
  if (auth.service != options.service) {
    return "Credential should be scoped to correct service: '" + options.service + "'";
  }
  if (!options.region.empty() && auth.region != options.region) {
    return "Credential should be scoped to a valid region: '" + options.region + "'";
  }
  if (amz_date.substr(0, 8) != auth.date8) {
    return "Date in Credential scope does not match YYYYMMDD from X-Amz-Date (" + amz_date + ")";
  }
  for (const char* required : {"host", "x-amz-date"}) {
    if (std::find(auth.signed_headers.begin(), auth.signed_headers.end(), required) ==
        auth.signed_headers.end()) {
      return std::string("SignedHeaders must include '") + required + "'";
    }
  }
  for (const std::string& name : auth.signed_headers) {
    if (!FindHeader(request.headers, name)) {
      return "signed header '" + name + "' is not in the request";
    }
  }
  return "";
}

// Empty when X-Amz-Date is within the allowed skew of the server's clock.
std::string CheckSkew(TimePoint signed_at, const SigV4VerifyOptions& options) {
  auto skew = std::chrono::duration_cast<Micros>(options.max_skew);
  std::string minutes = std::to_string(options.max_skew.count());
  if (signed_at < options.now - skew) {
    return "Signature expired: " + FormatAmzDate(signed_at) + " is now earlier than " +
           FormatAmzDate(options.now - skew) + " (" + FormatAmzDate(options.now) + " - " + minutes +
           " min.); check the client's clock";
  }
  if (signed_at > options.now + skew) {
    return "Signature not yet current: " + FormatAmzDate(signed_at) + " is still later than " +
           FormatAmzDate(options.now + skew) + " (" + FormatAmzDate(options.now) + " + " + minutes +
           " min.); check the client's clock";
  }
  return "";
}

// The canonical request the client should have signed: its signed headers only.
std::string ExpectedCanonicalRequest(const ReceivedRequest& request, const Authorization& auth,
                                     std::string_view payload_sha256, bool s3) {
  HttpHeaders signed_headers;
  for (const std::string& name : auth.signed_headers) {
    signed_headers.emplace_back(name, *FindHeader(request.headers, name));
  }
  return internal::CanonicalRequest(request.method, internal::CanonicalUri(request.raw_path, s3),
                                    internal::CanonicalQuery(request.raw_query),
                                    internal::Canonicalize(signed_headers), payload_sha256);
}

std::string MismatchMessage(const Authorization& auth) {
  return "The request signature we calculated does not match the signature you provided. "
         "Check your AWS Secret Access Key and signing method: the request was signed with "
         "access key " +
         auth.access_key_id + " for " + auth.date8 + "/" + auth.region + "/" + auth.service +
         "; check that the client's secret for that key is the one this service holds";
}

SigV4Verdict CheckSignature(const ReceivedRequest& request, const Authorization& auth,
                            const std::string& amz_date, const std::string& secret, bool s3) {
  std::string body_sha256 = Sha256Hex(request.body);
  std::string payload_sha256 = body_sha256;
  if (std::optional<std::string> declared = FindHeader(request.headers, "x-amz-content-sha256")) {
    if (*declared != kUnsignedPayload && *declared != body_sha256) {
      return Fail(SigV4Error::kSignatureMismatch,
                  "The provided 'x-amz-content-sha256' header does not match what was computed "
                  "from the body; check that the body is sent unchanged",
                  auth.access_key_id);
    }
    payload_sha256 = *declared;
  }
  SigV4Verdict verdict;
  verdict.access_key_id = auth.access_key_id;
  verdict.canonical_request = ExpectedCanonicalRequest(request, auth, payload_sha256, s3);
  std::string scope = internal::CredentialScope(auth.date8, auth.region, auth.service);
  std::string expected =
      internal::SignatureHex(secret, auth.date8, auth.region, auth.service,
                             internal::StringToSign(amz_date, scope, verdict.canonical_request));
  if (expected.size() != auth.signature.size() ||
      CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) != 0) {
    SigV4Verdict failed =
        Fail(SigV4Error::kSignatureMismatch, MismatchMessage(auth), auth.access_key_id);
    failed.canonical_request = std::move(verdict.canonical_request);
    return failed;
  }
  return verdict;
}

// The secret for the header's key, or the verdict that refuses the request.
Result<std::string> LookUpSecret(const SecretLookup& lookup, const Authorization& auth,
                                 SigV4Verdict* refusal) {
  Result<std::string> secret = lookup(auth.access_key_id);
  if (secret.ok()) return secret;
  if (secret.status().code() == StatusCode::kNotFound) {
    *refusal = Fail(SigV4Error::kUnknownAccessKey,
                    "The security token included in the request is invalid: access key id '" +
                        auth.access_key_id +
                        "' is not known here; check the access key id the client uses",
                    auth.access_key_id);
  } else {
    *refusal = Fail(
        SigV4Error::kInternal,
        "cannot look up access key id '" + auth.access_key_id + "': " + secret.status().message(),
        auth.access_key_id);
  }
  return secret.status();
}

}  // namespace

SigV4Verdict VerifySigV4(const ReceivedRequest& request, const SecretLookup& lookup,
                         const SigV4VerifyOptions& options) {
  std::optional<std::string> header = FindHeader(request.headers, "authorization");
  if (!header) {
    return Fail(SigV4Error::kMissingAuthentication,
                "Missing Authentication Token: the request has no Authorization header; sign it "
                "with SigV4 (AWS SDKs and awscli do when they find credentials)");
  }
  Authorization auth;
  std::string problem = ParseAuthorization(*header, &auth);
  std::string amz_date = FindHeader(request.headers, "x-amz-date").value_or("");
  Result<TimePoint> signed_at = ParseAmzDate(amz_date);
  if (problem.empty() && !signed_at.ok()) {
    problem = "X-Amz-Date is missing or malformed: " + signed_at.status().message();
  }
  if (problem.empty()) problem = CheckScope(auth, request, amz_date, options);
  if (!problem.empty()) return Fail(SigV4Error::kIncompleteSignature, problem, auth.access_key_id);
  problem = CheckSkew(*signed_at, options);
  if (!problem.empty()) return Fail(SigV4Error::kRequestExpired, problem, auth.access_key_id);
  SigV4Verdict refusal;
  Result<std::string> secret = LookUpSecret(lookup, auth, &refusal);
  if (!secret.ok()) return refusal;
  return CheckSignature(request, auth, amz_date, *secret, options.s3);
}

std::string_view SigV4ErrorType(SigV4Error error, bool s3) {
  switch (error) {
    case SigV4Error::kNone:
      return "";
    case SigV4Error::kMissingAuthentication:
      return s3 ? "AccessDenied" : "MissingAuthenticationTokenException";
    case SigV4Error::kIncompleteSignature:
      return s3 ? "AuthorizationHeaderMalformed" : "IncompleteSignatureException";
    case SigV4Error::kUnknownAccessKey:
      return s3 ? "InvalidAccessKeyId" : "UnrecognizedClientException";
    case SigV4Error::kSignatureMismatch:
      return "SignatureDoesNotMatch";
    case SigV4Error::kRequestExpired:
      return s3 ? "RequestTimeTooSkewed" : "InvalidSignatureException";
    case SigV4Error::kInternal:
      return s3 ? "InternalError" : "InternalFailure";
  }
  return "";
}

int SigV4ErrorHttpStatus(SigV4Error error, bool s3) {
  switch (error) {
    case SigV4Error::kNone:
      return 200;
    case SigV4Error::kInternal:
      return 500;
    case SigV4Error::kIncompleteSignature:
      return 400;
    case SigV4Error::kUnknownAccessKey:
      return s3 ? 403 : 400;
    default:
      return 403;
  }
}

}  // namespace sluice::storage
