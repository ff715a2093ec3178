// AWS credentials, region and endpoint, found the way AWS SDKs find them (design.md §11):
// explicit values first, then AWS_* environment variables, then the shared credentials file.
// Secrets never reach a log: Credentials has no operator<<, and DebugString() redacts them.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::storage {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // only for temporary credentials

  bool empty() const { return access_key_id.empty() && secret_access_key.empty(); }
  // "access key AKIDEXAMPLE, secret <redacted>, no session token": safe to log.
  std::string DebugString() const;
};

// The sections of an AWS shared-credentials (INI) file: profile -> key -> value. Keys are
// lower-cased; "[profile x]" is read as "[x]" so config-style files work too.
using AwsProfiles = std::map<std::string, std::map<std::string, std::string>>;
// `file_name` only names the file in messages ("credentials:3: expected 'key = value'").
Result<AwsProfiles> ParseAwsProfiles(std::string_view text, std::string_view file_name);

// Reads `profile` from the shared-credentials file at `path`. NotFound when the file or the
// profile is missing; InvalidArgument when the profile lacks a key or a secret.
Result<Credentials> ReadProfileCredentials(const std::string& path, std::string_view profile);

// AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.
std::string SharedCredentialsPath();

// The chain: `explicit_credentials` when it has an access key; else (unless a profile is
// named explicitly, as botocore does) AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN; else the shared credentials file with `profile`, else AWS_PROFILE, else
// "default". NotFound, saying every place looked in, when nothing has credentials.
Result<Credentials> ResolveCredentials(const Credentials& explicit_credentials,
                                       std::string_view profile = "");

// `explicit_region`, else AWS_REGION, else AWS_DEFAULT_REGION, else "us-east-1".
std::string ResolveRegion(std::string_view explicit_region = "");

// The endpoint URL of a service: `explicit_url`, else AWS_ENDPOINT_URL_<service_env_suffix>
// ("EMR", "S3"), else AWS_ENDPOINT_URL, else AWS's own (https://elasticmapreduce.<region>.
// amazonaws.com, https://s3.<region>.amazonaws.com). No trailing '/'. InvalidArgument when
// the chosen URL is not http:// or https://, naming where it came from.
Result<std::string> ResolveEndpoint(std::string_view service_env_suffix,
                                    std::string_view explicit_url, std::string_view region);

}  // namespace sluice::storage
