// How an HTTP answer becomes an EmrReply (private to the EMR HTTP transport; tested alone).
#pragma once

#include "cluster/emr_api.h"
#include "storage/http_client.h"

namespace sluice::cluster::internal {

// A 2xx answer must be JSON (or empty): anything else is an IoError (an unreadable answer).
// An error answer's type comes from EMR's JSON "__type", else the x-amzn-ErrorType header,
// else an XML <Code>, else the HTTP status ("ThrottlingException" for 429,
// "ServiceUnavailable" for 503, ...).
Result<EmrReply> ReplyFromHttp(const storage::HttpResponse& response);

}  // namespace sluice::cluster::internal
