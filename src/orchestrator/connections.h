// Named connections (design.md §11): how a task reaches EMR, and how s3:// reaches S3. A
// connection comes from SLUICE_CONN_<ID> (a JSON object, as Airflow's AIRFLOW_CONN_<ID>), else
// sluice.yml's `connections:`, else the metadata DB, else a built-in default: `emr_default` is
// the local cluster service. Secrets are kept apart so that a connection can be printed safely.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

struct AwsConnection {
  std::string conn_id;
  // "local": Sluice's local cluster service, in-process; "aws": an EMR-API (or S3) endpoint
  // over HTTP with SigV4, Amazon's own unless endpoint_url says otherwise.
  std::string type = "aws";
  std::string endpoint_url;  // "" = AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then AWS's
  std::string region;        // "" = AWS_REGION, AWS_DEFAULT_REGION, then us-east-1
  std::string profile;       // a profile of the shared credentials file
  std::string access_key_id;
  std::string secret_access_key;  // never printed
  std::string session_token;      // never printed

  // For messages and `--output json`: everything but the secrets.
  std::string Describe() const;
};

Result<AwsConnection> ResolveConnection(const SluiceHome& home, MetadataStore* store,
                                        std::string_view conn_id);

// The connection s3:// URIs use (design.md §11).
inline constexpr std::string_view kS3ConnectionId = "aws_default";

// Makes s3:// in this process and in the processes it starts use `aws_default` from sluice.yml
// (else from the metadata DB): storage gets it through storage::SetS3Connection, child processes
// as SLUICE_CONN_AWS_DEFAULT. A SLUICE_CONN_AWS_DEFAULT already set wins; with no aws_default at
// all the AWS chain applies. Sets the environment, so call it before starting threads.
Status ExportS3Connection(const SluiceHome& home, MetadataStore* store);

}  // namespace sluice::orchestrator
