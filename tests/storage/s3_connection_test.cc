// Which endpoint, region and credentials an s3:// URI gets: SLUICE_CONN_AWS_DEFAULT (JSON), a
// connection the process sets, or the AWS chain; and the cache that reuses stores per bucket.
// Nothing here talks to a server.
#include "storage/s3_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>

#include "storage/s3_store.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sets (or, with nullopt, unsets) environment variables for one test, restoring them after.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  ScopedEnv(const std::string& name, const std::string& value)
      : ScopedEnv(std::map<std::string, std::optional<std::string>>{{name, value}}) {}
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// No AWS settings from the machine running the tests.
std::map<std::string, std::optional<std::string>> CleanAws() {
  std::map<std::string, std::optional<std::string>> env;
  for (const char* name : {"SLUICE_CONN_AWS_DEFAULT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                           "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
                           "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"}) {
    env[name] = std::nullopt;
  }
  env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
  return env;
}

TEST(S3ConnectionTest, ParsesEveryKey) {
  auto c = ParseS3Connection(R"({"type": "aws", "endpoint_url": "http://127.0.0.1:9000",
      "region": "eu-west-1", "profile": "p", "access_key_id": "AKID", "secret_access_key": "S",
      "session_token": "T", "addressing": "virtual", "description": "minio"})",
                             "SLUICE_CONN_AWS_DEFAULT");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint_url, "http://127.0.0.1:9000");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_EQ(c->profile, "p");
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->secret_access_key, "S");
  EXPECT_EQ(c->session_token, "T");
  EXPECT_EQ(c->addressing, S3Addressing::kVirtualHost);
  EXPECT_EQ(c->source, "SLUICE_CONN_AWS_DEFAULT");
  EXPECT_EQ(ParseS3Connection(R"({"region_name": "x"})", "s")->region, "x");
}

TEST(S3ConnectionTest, BadConnectionsNameTheirSourceAndNeverTheSecret) {
  auto unknown = ParseS3Connection(R"({"endpoint": "x", "secret_access_key": "SECRET1"})", "ENV1");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("ENV1: unknown key 'endpoint'"));
  EXPECT_THAT(unknown.status().message(), Not(HasSubstr("SECRET1")));
  EXPECT_THAT(ParseS3Connection("not json", "ENV2").status().message(), HasSubstr("ENV2"));
  EXPECT_THAT(ParseS3Connection(R"({"region": 3})", "E").status().message(),
              HasSubstr("'region' must be text"));
  EXPECT_THAT(ParseS3Connection(R"({"type": "local"})", "E").status().message(),
              HasSubstr("type 'local'"));
  EXPECT_THAT(ParseS3Connection(R"({"addressing": "dns"})", "E").status().message(),
              HasSubstr("auto, path, virtual"));
}

TEST(S3ConnectionTest, ExplicitValuesWin) {
  ScopedEnv env(CleanAws());
  ScopedEnv more({{"AWS_ENDPOINT_URL_S3", "http://ignored:1"},
                  {"AWS_ACCESS_KEY_ID", "ENVKEY"},
                  {"AWS_SECRET_ACCESS_KEY", "envsecret"}});
  S3Connection c;
  c.endpoint_url = "http://127.0.0.1:9000/";
  c.region = "eu-west-3";
  c.access_key_id = "AKID";
  c.secret_access_key = "secret";
  c.source = "connection 'aws_default'";
  auto options = S3ClientOptionsFor(c);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->endpoint_url, "http://127.0.0.1:9000");
  EXPECT_EQ(options->region, "eu-west-3");
  EXPECT_EQ(options->credentials.access_key_id, "AKID");
  EXPECT_EQ(options->credentials_source, "connection 'aws_default'");
}

TEST(S3ConnectionTest, TheAwsChainFillsTheRest) {
  ScopedEnv env(CleanAws());
  ScopedEnv more({{"AWS_ENDPOINT_URL_S3", "http://minio.local:9000"},
                  {"AWS_REGION", "ap-south-1"},
                  {"AWS_ACCESS_KEY_ID", "ENVKEY"},
                  {"AWS_SECRET_ACCESS_KEY", "envsecret"}});
  auto options = S3ClientOptionsFor(S3Connection{});
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->endpoint_url, "http://minio.local:9000");
  EXPECT_EQ(options->region, "ap-south-1");
  EXPECT_EQ(options->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(options->credentials_source, "AWS_ACCESS_KEY_ID");
}

TEST(S3ConnectionTest, AwsOwnEndpointAndAProfile) {
  sluice::testing::TempDir dir;
  dir.Write("credentials",
            "[reader]\naws_access_key_id = PROFILEKEY\n"
            "aws_secret_access_key = profilesecret\n");
  ScopedEnv env(CleanAws());
  ScopedEnv more({{"AWS_SHARED_CREDENTIALS_FILE", dir.Path("credentials")}});
  S3Connection c;
  c.profile = "reader";
  c.region = "us-west-2";
  auto options = S3ClientOptionsFor(c);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->endpoint_url, "https://s3.us-west-2.amazonaws.com");
  EXPECT_EQ(options->credentials.access_key_id, "PROFILEKEY");
  EXPECT_THAT(options->credentials_source, HasSubstr("profile reader"));
}

TEST(S3ConnectionTest, EnvironmentConnectionReachesResolveUri) {
  ScopedEnv env(CleanAws());
  ScopedEnv conn("SLUICE_CONN_AWS_DEFAULT",
                 R"({"endpoint_url": "http://127.0.0.1:9", "access_key_id": "AKENV",
                       "secret_access_key": "s"})");
  auto loc = ResolveUri("s3://env-bucket/data/x.csv");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  EXPECT_EQ(loc->store->RootUri(), "s3://env-bucket/");
  EXPECT_EQ(loc->key, "data/x.csv");
  auto* s3 = dynamic_cast<S3ObjectStore*>(loc->store.get());
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->client().options().endpoint_url, "http://127.0.0.1:9");
  EXPECT_EQ(s3->client().options().credentials.access_key_id, "AKENV");

  // The same bucket and connection reuse one store; another connection gets its own.
  EXPECT_EQ(ResolveUri("s3://env-bucket/other")->store.get(), loc->store.get());
  ScopedEnv other("SLUICE_CONN_AWS_DEFAULT",
                  R"({"endpoint_url": "http://127.0.0.1:10", "access_key_id": "AKENV",
                        "secret_access_key": "s"})");
  EXPECT_NE(ResolveUri("s3://env-bucket/other")->store.get(), loc->store.get());
}

TEST(S3ConnectionTest, BadEnvironmentConnectionIsAnErrorNamingIt) {
  ScopedEnv env(CleanAws());
  ScopedEnv conn("SLUICE_CONN_AWS_DEFAULT", R"({"endpoint_url": "ftp://x"})");
  auto loc = ResolveUri("s3://b/k");
  EXPECT_EQ(loc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loc.status().message(), HasSubstr("s3://b/k"));
  EXPECT_THAT(loc.status().message(), HasSubstr("SLUICE_CONN_AWS_DEFAULT"));
}

TEST(S3ConnectionTest, ProcessConnectionBeatsTheEnvironment) {
  ScopedEnv env(CleanAws());
  ScopedEnv conn("SLUICE_CONN_AWS_DEFAULT", R"({"endpoint_url": "ftp://broken"})");
  S3Connection set;
  set.endpoint_url = "http://127.0.0.1:11";
  set.access_key_id = "AKSET";
  set.secret_access_key = "s";
  set.addressing = S3Addressing::kPath;
  set.source = "sluice.yml: connections.aws_default";
  SetS3Connection(set);
  auto loc = ResolveUri("s3://set-bucket/k");
  SetS3Connection(std::nullopt);
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  auto* s3 = dynamic_cast<S3ObjectStore*>(loc->store.get());
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->client().options().credentials.access_key_id, "AKSET");
  EXPECT_EQ(s3->client().options().addressing, S3Addressing::kPath);
  EXPECT_FALSE(ResolveUri("s3://set-bucket/k").ok());  // back to the (broken) environment
}

TEST(S3ConnectionTest, BucketNamesAreChecked) {
  ScopedEnv env(CleanAws());
  ScopedEnv conn("SLUICE_CONN_AWS_DEFAULT",
                 R"({"endpoint_url": "http://127.0.0.1:9", "access_key_id": "A",
                       "secret_access_key": "s"})");
  EXPECT_THAT(ResolveUri("s3://bad bucket/k").status().message(), HasSubstr("'bad bucket'"));
  EXPECT_THAT(ResolveUri("s3:///k").status().message(), HasSubstr("needs a bucket"));
}

}  // namespace
}  // namespace sluice::storage
