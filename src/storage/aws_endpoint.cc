// Region and endpoint resolution for AWS services, with the environment variables AWS SDKs use.
#include <cctype>
#include <cstdlib>
#include <string>

#include "common/ascii.h"
#include "storage/aws_credentials.h"

namespace sluice::storage {
namespace {

std::string Env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

// AWS's own endpoint for the service named by its environment-variable suffix.
std::string DefaultEndpoint(std::string_view suffix, std::string_view region) {
  std::string service = AsciiLower(suffix);
  if (service == "emr") service = "elasticmapreduce";
  std::string domain = region.substr(0, 3) == "cn-" ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://" + service + "." + std::string(region) + "." + domain;
}

Result<std::string> CheckUrl(std::string url, std::string_view source) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("endpoint URL '" + url + "' from " + std::string(source) +
                                   " must start with http:// or https://");
  }
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string ResolveRegion(std::string_view explicit_region) {
  if (!explicit_region.empty()) return std::string(explicit_region);
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string value = Env(name);
    if (!value.empty()) return value;
  }
  return "us-east-1";
}

Result<std::string> ResolveEndpoint(std::string_view service_env_suffix,
                                    std::string_view explicit_url, std::string_view region) {
  if (!explicit_url.empty()) return CheckUrl(std::string(explicit_url), "the connection");
  std::string service_var = "AWS_ENDPOINT_URL_" + std::string(service_env_suffix);
  for (char& c : service_var) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& name : {service_var, std::string("AWS_ENDPOINT_URL")}) {
    std::string value = Env(name);
    if (!value.empty()) return CheckUrl(value, name);
  }
  return DefaultEndpoint(service_env_suffix, region.empty() ? ResolveRegion() : region);
}

}  // namespace sluice::storage
