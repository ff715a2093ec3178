// The AWS credentials chain: explicit values, environment variables, shared credentials file.
#include "storage/aws_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::storage {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no AWS shared credentials file at " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ProfileNames(const AwsProfiles& profiles) {
  std::string names;
  for (const auto& [name, settings] : profiles) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}

Result<Credentials> FromEnvironment() {
  Credentials c{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    return Status::NotFound("AWS_ACCESS_KEY_ID is not set");
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together; only " +
        std::string(c.access_key_id.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
        " is set");
  }
  return c;
}

}  // namespace

std::string Credentials::DebugString() const {
  return "access key " + (access_key_id.empty() ? std::string("<none>") : access_key_id) +
         ", secret " + (secret_access_key.empty() ? "<none>" : "<redacted>") +
         (session_token.empty() ? ", no session token" : ", session token <redacted>");
}

std::string SharedCredentialsPath() {
  std::string path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (!path.empty()) return path;
  return Env("HOME") + "/.aws/credentials";
}

Result<Credentials> ReadProfileCredentials(const std::string& path, std::string_view profile) {
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  ASSIGN_OR_RETURN(AwsProfiles profiles, ParseAwsProfiles(text, path));
  auto it = profiles.find(std::string(profile));
  if (it == profiles.end()) {
    return Status::NotFound("no profile [" + std::string(profile) + "] in " + path +
                            " (profiles there: " + ProfileNames(profiles) + ")");
  }
  const auto& settings = it->second;
  auto get = [&](const char* key) {
    auto kv = settings.find(key);
    return kv == settings.end() ? std::string() : kv->second;
  };
  Credentials c{get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token")};
  for (const char* key : {"aws_access_key_id", "aws_secret_access_key"}) {
    if (get(key).empty()) {
      return Status::InvalidArgument("profile [" + std::string(profile) + "] in " + path +
                                     " has no " + key);
    }
  }
  return c;
}

Result<Credentials> ResolveCredentials(const Credentials& explicit_credentials,
                                       std::string_view profile) {
  if (!explicit_credentials.access_key_id.empty()) {
    if (explicit_credentials.secret_access_key.empty()) {
      return Status::InvalidArgument("access key " + explicit_credentials.access_key_id +
                                     " was given without a secret access key");
    }
    return explicit_credentials;
  }
  if (profile.empty()) {
    Result<Credentials> env = FromEnvironment();
    if (env.ok() || env.status().code() != StatusCode::kNotFound) return env;
  }
  std::string name(profile.empty() ? Env("AWS_PROFILE") : profile);
  if (name.empty()) name = "default";
  std::string path = SharedCredentialsPath();
  Result<Credentials> file = ReadProfileCredentials(path, name);
  if (file.ok() || file.status().code() != StatusCode::kNotFound) return file;
  return Status::NotFound(
      "no AWS credentials found: " + file.status().message() +
      (profile.empty() ? ", and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set" : "") +
      "; give the connection access_key_id and secret_access_key, set those variables, or add "
      "the profile to the file (AWS_SHARED_CREDENTIALS_FILE names another file)");
}

}  // namespace sluice::storage
