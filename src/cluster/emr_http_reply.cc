// Turning HTTP answers into EmrReply: EMR's JSON errors, and the other shapes error answers
// take on the way (moto's XML, a proxy's empty 503).
#include <string>

#include "cluster/emr_http_internal.h"

namespace sluice::cluster::internal {
namespace {

using nlohmann::json;

std::string TypeForStatus(int status) {
  switch (status) {
    case 403:
      return "AccessDeniedException";
    case 408:
      return "RequestTimeout";
    case 413:
      return "RequestEntityTooLarge";
    case 429:
      return "ThrottlingException";
    case 500:
      return "InternalFailure";
    case 502:
      return "BadGateway";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "GatewayTimeout";
    default:
      return "Http" + std::to_string(status);
  }
}

// The body as one short line, for a message.
std::string Excerpt(std::string_view body, int status) {
  std::string out;
  for (char c : body.substr(0, 300)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.find_first_not_of(' ') == std::string::npos) {
    return "HTTP " + std::to_string(status) + " with an empty body";
  }
  return "HTTP " + std::to_string(status) + ": " + out + (body.size() > 300 ? "..." : "");
}

std::string XmlUnescape(std::string text) {
  const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : kEntities) {
    for (size_t at; (at = text.find(entity)) != std::string::npos;) {
      text.replace(at, std::string_view(entity).size(), plain);
    }
  }
  return text;
}

// The text of the first <tag>...</tag> in `xml`, or "".
std::string XmlElement(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return "";
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return "";
  return XmlUnescape(std::string(xml.substr(start, end - start)));
}

EmrReply ErrorReply(const storage::HttpResponse& response) {
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = json::object();
  std::string header_type = response.Header("x-amzn-errortype");
  header_type = header_type.substr(0, header_type.find(':'));
  if (!body.contains("__type")) {
    std::string code = XmlElement(response.body, "Code");
    if (body.contains("code") && body["code"].is_string()) code = body["code"];
    if (!header_type.empty()) code = header_type;
    body["__type"] = code.empty() ? TypeForStatus(response.status) : code;
  }
  if (!body.contains("message") && !body.contains("Message")) {
    std::string message = XmlElement(response.body, "Message");
    body["message"] = message.empty() ? Excerpt(response.body, response.status) : message;
  }
  return EmrReply{response.status, std::move(body)};
}

}  // namespace

Result<EmrReply> ReplyFromHttp(const storage::HttpResponse& response) {
  if (response.status < 200 || response.status >= 300) return ErrorReply(response);
  if (response.body.find_first_not_of(" \r\n\t") == std::string::npos) {
    return EmrReply{response.status, json::object()};
  }
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Status::IoError("the answer is not JSON (" + Excerpt(response.body, response.status) +
                           "); check that the endpoint is an EMR API");
  }
  return EmrReply{response.status, std::move(body)};
}

}  // namespace sluice::cluster::internal
