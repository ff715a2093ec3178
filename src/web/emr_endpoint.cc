#include "web/emr_endpoint.h"

#include <random>

#include "common/logging.h"
#include "storage/sigv4.h"

namespace sluice::web {

namespace {

constexpr std::string_view kTargetPrefix = "ElasticMapReduce.";

std::string RequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[rng() % 16];
  }
  return id;
}

EmrHttpResponse Reply(const cluster::EmrReply& reply) {
  EmrHttpResponse out;
  out.status = reply.http_status;
  out.body = reply.body.dump();
  out.headers.emplace_back("x-amzn-RequestId", RequestId());
  if (!reply.ok()) out.headers.emplace_back("x-amzn-ErrorType", reply.error_type());
  return out;
}

}  // namespace

bool IsEmrRequest(const storage::HttpHeaders& headers) {
  auto target = storage::FindHeader(headers, "X-Amz-Target");
  return target && target->starts_with(kTargetPrefix);
}

EmrHttpResponse HandleEmrRequest(const EmrHttpRequest& request,
                                 const storage::Credentials& credentials,
                                 cluster::EmrApi& service) {
  std::string_view target = request.target;
  size_t q = target.find('?');
  storage::ReceivedRequest received{request.method, target.substr(0, q),
                                    q == std::string_view::npos ? "" : target.substr(q + 1),
                                    request.headers, request.body};
  storage::SigV4VerifyOptions options;
  options.service = "elasticmapreduce";
  options.now = Now();
  auto lookup = [&](std::string_view key) -> Result<std::string> {
    if (key == credentials.access_key_id) return credentials.secret_access_key;
    return Status::NotFound("unknown access key");
  };
  storage::SigV4Verdict verdict = storage::VerifySigV4(received, lookup, options);
  if (!verdict.ok()) {
    Log().info("event=emr_request_refused access_key={} reason=\"{}\"", verdict.access_key_id,
               verdict.status.message());
    return Reply(cluster::EmrReply::Error(storage::SigV4ErrorHttpStatus(verdict.error, false),
                                          storage::SigV4ErrorType(verdict.error, false),
                                          verdict.status.message()));
  }
  std::string operation =
      storage::FindHeader(request.headers, "X-Amz-Target")->substr(kTargetPrefix.size());
  nlohmann::json body = request.body.empty() ? nlohmann::json::object()
                                             : nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return Reply(cluster::EmrReply::Error(400, "SerializationException",
                                          "the request body is not valid JSON"));
  }
  Result<cluster::EmrReply> reply = service.Call(operation, body);
  if (!reply.ok()) {
    return Reply(cluster::EmrReply::Error(500, "InternalServerError", reply.status().message()));
  }
  Log().info("event=emr_request operation={} status={}", operation, reply->http_status);
  return Reply(*reply);
}

}  // namespace sluice::web
