#include "orchestrator/connections.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace sluice::orchestrator {

namespace {

using Json = nlohmann::json;

constexpr const char* kKeys[] = {"type",          "conn_type",         "endpoint_url",
                                 "region",        "region_name",       "profile",
                                 "access_key_id", "secret_access_key", "session_token",
                                 "description"};

Result<AwsConnection> FromJson(std::string_view conn_id, const Json& doc,
                               const std::string& where) {
  if (!doc.is_object()) return Status::InvalidArgument(where + ": must be a JSON/YAML object");
  AwsConnection c;
  c.conn_id = std::string(conn_id);
  for (const auto& [key, value] : doc.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Status::InvalidArgument(where + ": unknown key '" + key + "' (expected type, "
                                     "endpoint_url, region, profile, access_key_id, "
                                     "secret_access_key, session_token)");
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
  ASSIGN_OR_RETURN(std::optional<Json> configured, FromConfig(home, conn_id));
  if (configured) {
    return FromJson(conn_id, *configured,
                    home.config_path + ": connections." + std::string(conn_id));
  }
  if (store) {
    Result<ConnectionModel> stored = store->GetConnection(conn_id);
    if (stored.ok()) {
      Json doc = stored->extra;
      doc["type"] = stored->conn_type;
      if (!stored->login.empty()) doc["access_key_id"] = stored->login;
      for (const char* key : {"secret_access_key", "session_token"}) {
        if (stored->secrets.contains(key)) doc[key] = stored->secrets[key];
      }
      return FromJson(conn_id, doc, "connection '" + std::string(conn_id) + "' in the DB");
    }
    if (stored.status().code() != StatusCode::kNotFound) return stored.status();
  }
  if (conn_id == "emr_default") {
    AwsConnection local;
    local.conn_id = "emr_default";
    local.type = "local";
    return local;
  }
  return Status::NotFound("connection '" + std::string(conn_id) + "' is not defined: set " +
                          env + " or add it under connections: in " + home.config_path);
}

}  // namespace sluice::orchestrator
