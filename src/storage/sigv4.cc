// SigV4 signing: canonical request, string to sign, and the headers that carry the signature.
#include "storage/sigv4.h"

#include "storage/sigv4_internal.h"

namespace sluice::storage {
namespace {

bool SetBySigner(std::string_view name, const Credentials& credentials) {
  return HeaderNameEquals(name, "authorization") || HeaderNameEquals(name, "x-amz-date") ||
         (!credentials.session_token.empty() && HeaderNameEquals(name, "x-amz-security-token"));
}

Status CheckSignable(const SigV4Request& request, const Credentials& credentials,
                     const SigV4Options& options) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("cannot sign a request without an access key and a secret");
  }
  if (!FindHeader(request.headers, "host")) {
    return Status::InvalidArgument("cannot sign a request without a Host header");
  }
  if (options.service.empty() || options.region.empty()) {
    return Status::InvalidArgument("cannot sign a request without a region and a service");
  }
  return Status::OK();
}

// The headers SigV4 adds before signing, in the order they are sent.
HttpHeaders AddedHeaders(const SigV4Request& request, const Credentials& credentials,
                         const SigV4Options& options, const std::string& amz_date) {
  HttpHeaders added = {{"X-Amz-Date", amz_date}};
  if (!credentials.session_token.empty()) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (options.add_content_sha256 && !FindHeader(request.headers, "x-amz-content-sha256")) {
    added.emplace_back("x-amz-content-sha256", request.payload_sha256);
  }
  return added;
}

}  // namespace

Result<SigV4Signature> SignV4(const SigV4Request& request, const Credentials& credentials,
                              const SigV4Options& options) {
  RETURN_NOT_OK(CheckSignable(request, credentials, options));
  std::string amz_date = FormatAmzDate(options.time);
  std::string date8 = amz_date.substr(0, 8);
  SigV4Signature out;
  out.headers = AddedHeaders(request, credentials, options, amz_date);
  HttpHeaders signed_headers = out.headers;
  for (const auto& header : request.headers) {
    if (!SetBySigner(header.first, credentials)) signed_headers.push_back(header);
  }
  internal::CanonicalHeaders canonical = internal::Canonicalize(signed_headers);
  out.canonical_request = internal::CanonicalRequest(
      request.method, internal::CanonicalUri(request.path, options.s3_path),
      internal::CanonicalQuery(request.query), canonical, request.payload_sha256);
  std::string scope = internal::CredentialScope(date8, options.region, options.service);
  out.string_to_sign = internal::StringToSign(amz_date, scope, out.canonical_request);
  out.signature = internal::SignatureHex(credentials.secret_access_key, date8, options.region,
                                         options.service, out.string_to_sign);
  out.headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                           ", SignedHeaders=" + canonical.signed_names +
                           ", Signature=" + out.signature);
  return out;
}

}  // namespace sluice::storage
