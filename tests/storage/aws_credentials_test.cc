// The AWS credentials chain, the shared-credentials file format, region and endpoint
// resolution, with the AWS_* variables set and cleared around each test.
#include "storage/aws_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>

#include "temp_dir.h"

namespace sluice::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* const kAwsVariables[] = {"AWS_ACCESS_KEY_ID",
                                     "AWS_SECRET_ACCESS_KEY",
                                     "AWS_SESSION_TOKEN",
                                     "AWS_PROFILE",
                                     "AWS_SHARED_CREDENTIALS_FILE",
                                     "AWS_REGION",
                                     "AWS_DEFAULT_REGION",
                                     "AWS_ENDPOINT_URL",
                                     "AWS_ENDPOINT_URL_EMR",
                                     "AWS_ENDPOINT_URL_S3",
                                     "HOME"};

// Clears the AWS variables for a test and puts the previous values back afterwards.
class AwsEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kAwsVariables) {
      const char* value = getenv(name);
      saved_[name] = value ? std::optional<std::string>(value) : std::nullopt;
      unsetenv(name);
    }
    setenv("HOME", dir_.path().c_str(), 1);
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  void WriteCredentials(const std::string& text) { dir_.Write(".aws/credentials", text); }

  testing::TempDir dir_;
  std::map<std::string, std::optional<std::string>> saved_;
};

constexpr const char* kFile = R"(# a comment
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secretDefault/+=

; another comment
[sluice]
AWS_Access_Key_Id=AKIDSLUICE
aws_secret_access_key   =   secretSluice
aws_session_token = tokenSluice
s3 =
    max_concurrent_requests = 4

[profile other]
aws_access_key_id = AKIDOTHER
aws_secret_access_key = secretOther
[nosecret]
aws_access_key_id = AKIDNOSECRET
)";

TEST(AwsProfiles, ParsesSectionsKeysAndComments) {
  Result<AwsProfiles> profiles = ParseAwsProfiles(kFile, "credentials");
  ASSERT_TRUE(profiles.ok()) << profiles.status().ToString();
  EXPECT_EQ(profiles->size(), 4u);
  EXPECT_EQ((*profiles)["default"]["aws_secret_access_key"], "secretDefault/+=");
  EXPECT_EQ((*profiles)["sluice"]["aws_access_key_id"], "AKIDSLUICE");
  EXPECT_EQ((*profiles)["sluice"]["aws_secret_access_key"], "secretSluice");
  EXPECT_EQ((*profiles)["sluice"]["s3"], "");
  EXPECT_EQ((*profiles)["sluice"].count("max_concurrent_requests"), 0u);
  EXPECT_EQ((*profiles)["other"]["aws_access_key_id"], "AKIDOTHER");
}

TEST(AwsProfiles, MalformedLinesNameFileAndLine) {
  Result<AwsProfiles> r = ParseAwsProfiles("[default]\naws_access_key_id\n", "creds");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  EXPECT_THAT(r.status().message(), HasSubstr("creds:2:"));
  EXPECT_FALSE(ParseAwsProfiles("key = value\n", "creds").ok());  // before any section
  EXPECT_FALSE(ParseAwsProfiles("[unclosed\n", "creds").ok());
}

TEST(AwsCredentials, DebugStringRedactsSecrets) {
  Credentials c{"AKIDVISIBLE", "verysecretvalue", "sessiontokenvalue"};
  std::string debug = c.DebugString();
  EXPECT_THAT(debug, HasSubstr("AKIDVISIBLE"));
  EXPECT_THAT(debug, Not(HasSubstr("verysecretvalue")));
  EXPECT_THAT(debug, Not(HasSubstr("sessiontokenvalue")));
  EXPECT_THAT(debug, HasSubstr("<redacted>"));
}

TEST_F(AwsEnvTest, ExplicitCredentialsWin) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secretEnv", 1);
  Result<Credentials> c = ResolveCredentials({"AKIDEXPLICIT", "secretExplicit", ""});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIDEXPLICIT");
  EXPECT_FALSE(ResolveCredentials({"AKIDEXPLICIT", "", ""}).ok());
}

TEST_F(AwsEnvTest, EnvironmentBeatsTheFile) {
  WriteCredentials(kFile);
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secretEnv", 1);
  setenv("AWS_SESSION_TOKEN", "tokenEnv", 1);
  Result<Credentials> c = ResolveCredentials({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->secret_access_key, "secretEnv");
  EXPECT_EQ(c->session_token, "tokenEnv");
}

TEST_F(AwsEnvTest, HalfSetEnvironmentIsAnError) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  Result<Credentials> c = ResolveCredentials({});
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("AWS_SECRET_ACCESS_KEY"));
}

TEST_F(AwsEnvTest, DefaultProfileFromHomeFile) {
  WriteCredentials(kFile);
  Result<Credentials> c = ResolveCredentials({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(c->secret_access_key, "secretDefault/+=");
  EXPECT_EQ(c->session_token, "");
}

TEST_F(AwsEnvTest, ProfileFromEnvironmentAndFileFromEnvironment) {
  dir_.Write("elsewhere/creds", kFile);
  setenv("AWS_SHARED_CREDENTIALS_FILE", dir_.Path("elsewhere/creds").c_str(), 1);
  setenv("AWS_PROFILE", "sluice", 1);
  Result<Credentials> c = ResolveCredentials({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDSLUICE");
  EXPECT_EQ(c->session_token, "tokenSluice");
}

TEST_F(AwsEnvTest, ExplicitProfileBeatsEnvironmentVariables) {
  WriteCredentials(kFile);
  setenv("AWS_PROFILE", "sluice", 1);
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secretEnv", 1);
  Result<Credentials> c = ResolveCredentials({}, "other");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDOTHER");
}

TEST_F(AwsEnvTest, MissingProfileListsTheOnesThere) {
  WriteCredentials(kFile);
  Result<Credentials> c = ResolveCredentials({}, "nope");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("[nope]"));
  EXPECT_THAT(c.status().message(), HasSubstr("default, nosecret, other, sluice"));
  EXPECT_THAT(c.status().message(), Not(HasSubstr("secretDefault")));
}

TEST_F(AwsEnvTest, ProfileWithoutSecretIsInvalid) {
  WriteCredentials(kFile);
  Result<Credentials> c = ResolveCredentials({}, "nosecret");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("aws_secret_access_key"));
}

TEST_F(AwsEnvTest, NothingAnywhereSaysWhereItLooked) {
  Result<Credentials> c = ResolveCredentials({});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr(".aws/credentials"));
  EXPECT_THAT(c.status().message(), HasSubstr("AWS_ACCESS_KEY_ID"));
}

TEST_F(AwsEnvTest, RegionChain) {
  EXPECT_EQ(ResolveRegion(), "us-east-1");
  setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
  EXPECT_EQ(ResolveRegion(), "eu-west-1");
  setenv("AWS_REGION", "eu-central-1", 1);
  EXPECT_EQ(ResolveRegion(), "eu-central-1");
  EXPECT_EQ(ResolveRegion("ap-south-1"), "ap-south-1");
}

TEST_F(AwsEnvTest, EndpointChain) {
  EXPECT_EQ(ResolveEndpoint("EMR", "", "eu-west-1").ValueOr(""),
            "https://elasticmapreduce.eu-west-1.amazonaws.com");
  EXPECT_EQ(ResolveEndpoint("S3", "", "us-west-2").ValueOr(""),
            "https://s3.us-west-2.amazonaws.com");
  EXPECT_EQ(ResolveEndpoint("EMR", "", "").ValueOr(""),
            "https://elasticmapreduce.us-east-1.amazonaws.com");
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
  EXPECT_EQ(ResolveEndpoint("EMR", "", "eu-west-1").ValueOr(""), "http://127.0.0.1:4566");
  setenv("AWS_ENDPOINT_URL_EMR", "http://127.0.0.1:9000", 1);
  EXPECT_EQ(ResolveEndpoint("EMR", "", "eu-west-1").ValueOr(""), "http://127.0.0.1:9000");
  EXPECT_EQ(ResolveEndpoint("S3", "", "eu-west-1").ValueOr(""), "http://127.0.0.1:4566");
  EXPECT_EQ(ResolveEndpoint("EMR", "https://emr.example.com", "").ValueOr(""),
            "https://emr.example.com");
}

TEST_F(AwsEnvTest, EndpointMustBeHttp) {
  Result<std::string> r = ResolveEndpoint("EMR", "127.0.0.1:9000", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  setenv("AWS_ENDPOINT_URL_S3", "ftp://x", 1);
  r = ResolveEndpoint("S3", "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("AWS_ENDPOINT_URL_S3"));
}

}  // namespace
}  // namespace sluice::storage
