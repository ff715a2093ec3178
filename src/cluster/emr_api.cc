#include "cluster/emr_api.h"

namespace sluice::cluster {

std::string EmrReply::error_type() const {
  if (!body.is_object() || !body.contains("__type") || !body["__type"].is_string()) return "";
  std::string type = body["__type"].get<std::string>();
  // Services may send "com.amazonaws.elasticmapreduce#InvalidRequestException".
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  return type;
}

std::string EmrReply::error_message() const {
  if (!body.is_object()) return "";
  for (const char* key : {"message", "Message"}) {
    if (body.contains(key) && body[key].is_string()) return body[key].get<std::string>();
  }
  return "";
}

EmrReply EmrReply::Error(int http_status, std::string_view type, std::string_view message) {
  return {http_status, {{"__type", type}, {"message", message}}};
}

}  // namespace sluice::cluster
