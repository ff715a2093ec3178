// The EMR API over HTTP (design.md §4): each operation is a SigV4-signed POST of AWS JSON 1.1
// to the endpoint, for Amazon EMR, moto, or Sluice's own service on `sluice server` alike.
#pragma once

#include <memory>
#include <string>

#include "cluster/emr_api.h"
#include "storage/aws_credentials.h"
#include "storage/http_client.h"

namespace sluice::cluster {

struct EmrHttpOptions {
  std::string endpoint_url;  // "https://elasticmapreduce.us-east-1.amazonaws.com"
  std::string region = "us-east-1";
  storage::Credentials credentials;
  storage::HttpClientOptions http;  // connect and total timeouts
};

// InvalidArgument when the endpoint is not http(s)://host[:port][/path] or the credentials
// lack a key or a secret. Error answers that are not EMR's JSON (an XML error from moto, an
// empty 503 from a proxy) still become an EmrReply, typed from the body or the HTTP status.
Result<std::shared_ptr<EmrApi>> MakeEmrHttpApi(EmrHttpOptions options);

}  // namespace sluice::cluster
