// The EMR API (design.md §4) seen as "operation + JSON request -> JSON reply": the contract
// between the EMR client's transports (HTTP with SigV4, or in-process) and the services that
// answer (Amazon EMR, moto, or Sluice's local cluster service).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace sluice::cluster {

// What a service answered. A 2xx status carries the operation's output shape; any other
// carries EMR's error shape {"__type": ..., "message": ...}.
struct EmrReply {
  int http_status = 200;
  nlohmann::json body = nlohmann::json::object();

  bool ok() const { return http_status >= 200 && http_status < 300; }
  // The error's short type ("InvalidRequestException"), without any namespace prefix.
  std::string error_type() const;
  std::string error_message() const;

  static EmrReply Ok(nlohmann::json body) { return {200, std::move(body)}; }
  static EmrReply Error(int http_status, std::string_view type, std::string_view message);
};

// Anything that answers EMR operations ("RunJobFlow", "DescribeCluster", ...).
class EmrApi {
 public:
  virtual ~EmrApi() = default;
  // A transport failure (connection refused, timeout, unreadable answer) is an error Status;
  // an answer from the service, success or EMR error, is a reply.
  virtual Result<EmrReply> Call(std::string_view operation, const nlohmann::json& request) = 0;
};

}  // namespace sluice::cluster
