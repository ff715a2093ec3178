// The steps of SigV4 shared by signing and verification (private to storage; tests use them):
// canonical URI, query and headers, the canonical request, the string to sign, the signature.
#pragma once

#include <string>
#include <string_view>

#include "storage/http_headers.h"

namespace sluice::storage::internal {

// Decodes %XX escapes; a '%' not followed by two hex digits stays as it is. '+' stays '+'.
std::string PercentDecode(std::string_view text);

// Non-S3: "." and ".." resolved, empty segments dropped, then the wire path encoded again.
// S3: the wire path decoded and encoded once, otherwise untouched. Empty means "/".
std::string CanonicalUri(std::string_view wire_path, bool s3_path);
// Pairs decoded, re-encoded strictly, sorted by name then value; "a" becomes "a=".
std::string CanonicalQuery(std::string_view raw_query);

struct CanonicalHeaders {
  std::string block;         // "host:example.com\nx-amz-date:...\n"
  std::string signed_names;  // "host;x-amz-date"
};
// Lower-cased names, sorted; values trimmed with inner runs of blanks collapsed; a repeated
// name's values joined with ',' in their order.
CanonicalHeaders Canonicalize(const HttpHeaders& headers);

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, const CanonicalHeaders& headers,
                             std::string_view payload_sha256);

// "20150830/us-east-1/service/aws4_request"
std::string CredentialScope(std::string_view date8, std::string_view region,
                            std::string_view service);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// Hex HMAC of the string to sign under the key derived from the secret and the scope.
std::string SignatureHex(std::string_view secret, std::string_view date8, std::string_view region,
                         std::string_view service, std::string_view string_to_sign);

}  // namespace sluice::storage::internal
