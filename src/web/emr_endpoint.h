// The EMR-compatible API on the server's one port (design.md §10): a POST / carrying
// X-Amz-Target: ElasticMapReduce.<Operation>, signed with SigV4 by the home's local
// credentials, answered by the local cluster service in AWS JSON 1.1.
#pragma once

#include <string>
#include <string_view>

#include "cluster/emr_api.h"
#include "storage/aws_credentials.h"
#include "storage/http_headers.h"

namespace sluice::web {

struct EmrHttpRequest {
  std::string_view method;
  std::string_view target;  // the raw request target: path and query as received
  storage::HttpHeaders headers;
  std::string_view body;
};

struct EmrHttpResponse {
  int status = 200;
  std::string content_type = "application/x-amz-json-1.1";
  storage::HttpHeaders headers;
  std::string body;
};

// True when the request is meant for the EMR API (its X-Amz-Target names ElasticMapReduce).
bool IsEmrRequest(const storage::HttpHeaders& headers);

// Verifies the signature against `credentials`, then calls `service`.
EmrHttpResponse HandleEmrRequest(const EmrHttpRequest& request,
                                 const storage::Credentials& credentials,
                                 cluster::EmrApi& service);

}  // namespace sluice::web
