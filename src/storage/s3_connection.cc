// The S3 connection: parsed from JSON, completed from the AWS chain, and the per-process cache
// of clients and stores built from it.
#include "storage/s3_connection.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "storage/s3_client_internal.h"
#include "storage/s3_store.h"
#include "storage/sigv4.h"

namespace sluice::storage {
namespace {

using Json = nlohmann::json;

constexpr const char* kKeys[] = {
    "type",          "conn_type",         "endpoint_url",  "region",      "region_name", "profile",
    "access_key_id", "secret_access_key", "session_token", "description", "addressing"};

struct Cache {
  std::mutex mu;
  std::optional<S3Connection> connection;  // set by SetS3Connection
  std::map<std::string, std::shared_ptr<S3Client>> clients;
  std::map<std::string, std::shared_ptr<ObjectStore>> stores;
};

Cache& TheCache() {
  static Cache* cache = new Cache();  // never destroyed: stores may outlive static teardown
  return *cache;
}

// Everything that makes two clients different; secrets only as a hash.
std::string ClientKey(const S3ClientOptions& o) {
  return o.endpoint_url + "\n" + o.region + "\n" + std::to_string(static_cast<int>(o.addressing)) +
         "\n" + o.credentials.access_key_id + "\n" +
         Sha256Hex(o.credentials.secret_access_key + "\n" + o.credentials.session_token);
}

Result<S3Connection> CurrentConnection() {
  {
    Cache& cache = TheCache();
    std::lock_guard<std::mutex> lock(cache.mu);
    if (cache.connection) return *cache.connection;
  }
  std::string env(kS3ConnectionEnv);
  const char* value = std::getenv(env.c_str());
  if (value && *value) return ParseS3Connection(value, env);
  return S3Connection{};
}

}  // namespace

Result<S3Connection> ParseS3Connection(std::string_view json_text, std::string_view source) {
  const std::string where(source);
  Json doc = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(where + " is not a JSON object");
  }
  for (const auto& [key, value] : doc.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Status::InvalidArgument(where + ": unknown key '" + key +
                                     "' (expected endpoint_url, region, profile, access_key_id, "
                                     "secret_access_key, session_token, addressing)");
    }
    if (!value.is_string()) return Status::InvalidArgument(where + ": '" + key + "' must be text");
  }
  auto text = [&](const char* key) { return doc.value(key, std::string()); };
  std::string type = text("type").empty() ? text("conn_type") : text("type");
  if (!type.empty() && type != "aws") {
    return Status::InvalidArgument(where + ": type '" + type + "' cannot serve s3:// (use 'aws')");
  }
  S3Connection c;
  c.endpoint_url = text("endpoint_url");
  c.region = text("region").empty() ? text("region_name") : text("region");
  c.profile = text("profile");
  c.access_key_id = text("access_key_id");
  c.secret_access_key = text("secret_access_key");
  c.session_token = text("session_token");
  Result<S3Addressing> addressing = ParseS3Addressing(text("addressing"));
  if (!addressing.ok()) return addressing.status().WithContext(where);
  c.addressing = *addressing;
  c.source = where;
  return c;
}

Result<S3ClientOptions> S3ClientOptionsFor(const S3Connection& connection) {
  S3ClientOptions options;
  options.region = ResolveRegion(connection.region);
  auto endpoint = ResolveEndpoint("S3", connection.endpoint_url, options.region);
  if (!endpoint.ok()) return endpoint.status().WithContext(connection.source);
  options.endpoint_url = *endpoint;
  Credentials given{connection.access_key_id, connection.secret_access_key,
                    connection.session_token};
  auto credentials = ResolveCredentials(given, connection.profile);
  if (!credentials.ok()) {
    return credentials.status().WithContext("S3 credentials (" + connection.source + ")");
  }
  options.credentials = *credentials;
  if (!connection.access_key_id.empty()) {
    options.credentials_source = connection.source;
  } else if (!connection.profile.empty()) {
    options.credentials_source = "profile " + connection.profile + " of " + SharedCredentialsPath();
  } else {
    options.credentials_source =
        std::getenv("AWS_ACCESS_KEY_ID") ? "AWS_ACCESS_KEY_ID" : SharedCredentialsPath();
  }
  options.addressing = connection.addressing;
  return options;
}

void SetS3Connection(std::optional<S3Connection> connection) {
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.connection = std::move(connection);
}

Result<std::shared_ptr<ObjectStore>> OpenS3Store(std::string_view bucket) {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  ASSIGN_OR_RETURN(S3Connection connection, CurrentConnection());
  ASSIGN_OR_RETURN(S3ClientOptions options, S3ClientOptionsFor(connection));
  const std::string client_key = ClientKey(options);
  const std::string store_key = client_key + "\n" + std::string(bucket);
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mu);
  if (auto it = cache.stores.find(store_key); it != cache.stores.end()) return it->second;
  std::shared_ptr<S3Client>& client = cache.clients[client_key];
  if (!client) {
    Result<std::shared_ptr<S3Client>> made = S3Client::Make(options);
    if (!made.ok()) {
      cache.clients.erase(client_key);
      return made.status().WithContext(connection.source);
    }
    client = *made;
  }
  auto store = std::make_shared<S3ObjectStore>(client, std::string(bucket));
  cache.stores.emplace(store_key, store);
  return std::shared_ptr<ObjectStore>(store);
}

}  // namespace sluice::storage
