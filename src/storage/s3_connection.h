// Which S3 endpoint and credentials an s3:// URI uses (design.md §11): the connection
// `aws_default`, from SLUICE_CONN_AWS_DEFAULT (JSON) or one the process sets, else the AWS chain.
// Storage never reads sluice.yml: the orchestrator passes a configured connection in.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/object_store.h"
#include "storage/s3_client.h"

namespace sluice::storage {

inline constexpr std::string_view kS3ConnectionEnv = "SLUICE_CONN_AWS_DEFAULT";

// An `aws` connection as S3 needs it. Empty fields fall back to the AWS chain:
// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS's endpoint, AWS_REGION / AWS_DEFAULT_REGION,
// AWS_ACCESS_KEY_ID... then the shared credentials file (`profile`, else AWS_PROFILE).
struct S3Connection {
  std::string endpoint_url;
  std::string region;
  std::string profile;
  std::string access_key_id;
  std::string secret_access_key;  // never printed
  std::string session_token;      // never printed
  S3Addressing addressing = S3Addressing::kAuto;
  std::string source = "the AWS chain";  // where it came from, for messages
};

// A JSON object with the keys above (also type/conn_type "aws", region_name, description, and
// addressing "auto"|"path"|"virtual"). Unknown keys and non-text values are errors naming
// `source`.
Result<S3Connection> ParseS3Connection(std::string_view json_text, std::string_view source);

// The connection with the AWS chain applied: endpoint, region and credentials all resolved.
Result<S3ClientOptions> S3ClientOptionsFor(const S3Connection& connection);

// Makes every later s3:// resolution in this process use `connection` (nullopt: back to
// SLUICE_CONN_AWS_DEFAULT, then the AWS chain). How the orchestrator hands sluice.yml's
// `aws_default` connection to storage without storage reading sluice.yml.
void SetS3Connection(std::optional<S3Connection> connection);

// The store for `bucket` under the current connection. Stores (and their clients, with their
// open connections) are cached per bucket and connection for the life of the process.
Result<std::shared_ptr<ObjectStore>> OpenS3Store(std::string_view bucket);

}  // namespace sluice::storage
