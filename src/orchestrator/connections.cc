#include "orchestrator/connections.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "storage/s3_connection.h"

namespace sluice::orchestrator {

namespace {

using Json = nlohmann::json;

constexpr const char* kKeys[] = {"type",          "conn_type",         "endpoint_url",
                                 "region",        "region_name",       "profile",
                                 "access_key_id", "secret_access_key", "session_token",
                                 "description",   "addressing"};

Result<AwsConnection> FromJson(std::string_view conn_id, const Json& doc,
                               const std::string& where) {
  if (!doc.is_object()) return Status::InvalidArgument(where + ": must be a JSON/YAML object");
  AwsConnection c;
  c.conn_id = std::string(conn_id);
  for (const auto& [key, value] : doc.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Status::InvalidArgument(where + ": unknown key '" + key + "' (expected type, "
                                     "endpoint_url, region, profile, access_key_id, "
                                     "secret_access_key, session_token, addressing)");
    }
    if (!value.is_string()) return Status::InvalidArgument(where + ": '" + key + "' must be text");
  }
  auto text = [&](const char* key) { return doc.value(key, std::string()); };
  c.type = text("type").empty() ? text("conn_type") : text("type");
  if (c.type.empty()) c.type = "aws";
  if (c.type != "aws" && c.type != "local") {
    return Status::InvalidArgument(where + ": type '" + c.type + "' is not 'aws' or 'local'");
  }
  c.endpoint_url = text("endpoint_url");
  c.region = text("region").empty() ? text("region_name") : text("region");
  c.profile = text("profile");
  c.access_key_id = text("access_key_id");
  c.secret_access_key = text("secret_access_key");
  c.session_token = text("session_token");
  return c;
}

std::string EnvName(std::string_view conn_id) {
  std::string name = "SLUICE_CONN_";
  for (char ch : conn_id) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

Json YamlToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    Json out = Json::object();
    for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
    return out;
  }
  if (node.IsScalar()) return node.as<std::string>();
  return nullptr;
}

// The connection from sluice.yml, nullopt if it has none by that name.
Result<std::optional<Json>> FromConfig(const SluiceHome& home, std::string_view conn_id) {
  if (!std::filesystem::exists(home.config_path)) return std::optional<Json>();
  try {
    YAML::Node root = YAML::LoadFile(home.config_path);
    YAML::Node conns = root["connections"];
    if (!conns || !conns[std::string(conn_id)]) return std::optional<Json>();
    return std::optional<Json>(YamlToJson(conns[std::string(conn_id)]));
  } catch (const YAML::Exception& e) {
    return Status::ParseError(home.config_path + ":" + std::to_string(e.mark.line + 1) + ": " +
                              e.msg);
  }
}

// A connection from sluice.yml, else from the metadata DB (when there is one), as a JSON
// object and where it came from; nullopt when neither has it.
struct FoundConnection {
  Json doc;
  std::string source;
};

Result<std::optional<FoundConnection>> FindConfigured(const SluiceHome& home,
                                                      MetadataStore* store,
                                                      std::string_view conn_id) {
  using Found = std::optional<FoundConnection>;
  ASSIGN_OR_RETURN(std::optional<Json> configured, FromConfig(home, conn_id));
  if (configured) {
    return Found(FoundConnection{std::move(*configured),
                                 home.config_path + ": connections." + std::string(conn_id)});
  }
  if (!store) return Found();
  Result<ConnectionModel> stored = store->GetConnection(conn_id);
  if (!stored.ok()) {
    if (stored.status().code() == StatusCode::kNotFound) return Found();
    return stored.status();
  }
  Json doc = stored->extra;
  doc["type"] = stored->conn_type;
  if (!stored->login.empty()) doc["access_key_id"] = stored->login;
  for (const char* key : {"secret_access_key", "session_token"}) {
    if (stored->secrets.contains(key)) doc[key] = stored->secrets[key];
  }
  return Found(FoundConnection{std::move(doc),
                               "connection '" + std::string(conn_id) + "' in the DB"});
}

}  // namespace

std::string AwsConnection::Describe() const {
  std::string out = "connection '" + conn_id + "' (type " + type;
  if (!endpoint_url.empty()) out += ", endpoint " + endpoint_url;
  if (!region.empty()) out += ", region " + region;
  if (!profile.empty()) out += ", profile " + profile;
  return out + ")";
}

Result<AwsConnection> ResolveConnection(const SluiceHome& home, MetadataStore* store,
                                        std::string_view conn_id) {
  std::string env = EnvName(conn_id);
  if (const char* value = std::getenv(env.c_str()); value && *value) {
    Json doc = Json::parse(value, nullptr, false);
    if (doc.is_discarded()) return Status::InvalidArgument(env + " is not valid JSON");
    return FromJson(conn_id, doc, env);
  }
  ASSIGN_OR_RETURN(std::optional<FoundConnection> found, FindConfigured(home, store, conn_id));
  if (found) return FromJson(conn_id, found->doc, found->source);
  if (conn_id == "emr_default") {
    AwsConnection local;
    local.conn_id = "emr_default";
    local.type = "local";
    return local;
  }
  return Status::NotFound("connection '" + std::string(conn_id) + "' is not defined: set " +
                          env + " or add it under connections: in " + home.config_path);
}

Status ExportS3Connection(const SluiceHome& home, MetadataStore* store) {
  const std::string env(storage::kS3ConnectionEnv);
  if (const char* value = std::getenv(env.c_str()); value && *value) return Status::OK();
  ASSIGN_OR_RETURN(std::optional<FoundConnection> found,
                   FindConfigured(home, store, kS3ConnectionId));
  if (!found) return Status::OK();
  const std::string text = found->doc.dump();
  ASSIGN_OR_RETURN(storage::S3Connection connection,
                   storage::ParseS3Connection(text, found->source));
  storage::SetS3Connection(std::move(connection));
  // Tasks, and the steps of local clusters, are started from this process: they inherit it.
  if (setenv(env.c_str(), text.c_str(), 1) != 0) {
    return Status::Internal("cannot export " + env + " for the processes this one starts");
  }
  return Status::OK();
}

}  // namespace sluice::orchestrator
