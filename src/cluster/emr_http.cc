// EmrApi over HTTP: AWS JSON 1.1 requests, signed with SigV4 for service "elasticmapreduce".
#include "cluster/emr_http.h"

#include <algorithm>

#include "cluster/emr_http_internal.h"
#include "storage/sigv4.h"

namespace sluice::cluster {
namespace {

struct Endpoint {
  std::string url;   // what requests are sent to
  std::string host;  // the Host header: host[:port] as written in the URL
  std::string path;  // "/" or the URL's path
};

Result<Endpoint> ParseEndpoint(const std::string& url) {
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("EMR endpoint '" + url + "' must be an http:// or https:// URL");
  }
  size_t host_start = scheme_end + 3;
  size_t path_start = std::min(url.find('/', host_start), url.size());
  Endpoint endpoint{url, url.substr(host_start, path_start - host_start), url.substr(path_start)};
  if (endpoint.host.empty() || endpoint.host.find_first_of("@?#") != std::string::npos ||
      endpoint.path.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("EMR endpoint '" + url +
                                   "' must look like http(s)://host[:port][/path]");
  }
  if (endpoint.path.empty()) {
    endpoint.path = "/";
    endpoint.url += "/";
  }
  return endpoint;
}

class EmrHttpApi final : public EmrApi {
 public:
  EmrHttpApi(EmrHttpOptions options, Endpoint endpoint)
      : options_(std::move(options)), endpoint_(std::move(endpoint)), http_(options_.http) {}

  Result<EmrReply> Call(std::string_view operation, const nlohmann::json& request) override {
    std::string body = request.is_null() ? "{}" : request.dump();
    storage::SigV4Request to_sign;
    to_sign.method = "POST";
    to_sign.path = endpoint_.path;
    to_sign.headers = {{"Host", endpoint_.host},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "ElasticMapReduce." + std::string(operation)}};
    to_sign.payload_sha256 = storage::Sha256Hex(body);
    storage::SigV4Options sign_options{options_.region, "elasticmapreduce", Now()};
    ASSIGN_OR_RETURN(storage::SigV4Signature signature,
                     storage::SignV4(to_sign, options_.credentials, sign_options));
    storage::HttpRequest http;
    http.method = "POST";
    http.url = endpoint_.url;
    http.headers = std::move(to_sign.headers);
    http.headers.insert(http.headers.end(), signature.headers.begin(), signature.headers.end());
    http.body = body;
    ASSIGN_OR_RETURN(storage::HttpResponse response, http_.Send(http));
    return internal::ReplyFromHttp(response);
  }

 private:
  EmrHttpOptions options_;
  Endpoint endpoint_;
  storage::HttpClient http_;
};

}  // namespace

Result<std::shared_ptr<EmrApi>> MakeEmrHttpApi(EmrHttpOptions options) {
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(options.endpoint_url));
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("EMR endpoint " + options.endpoint_url +
                                   ": credentials need an access key id and a secret access key");
  }
  if (options.region.empty()) options.region = storage::ResolveRegion();
  return std::shared_ptr<EmrApi>(std::make_shared<EmrHttpApi>(std::move(options), endpoint));
}

}  // namespace sluice::cluster
