#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "storage/object_store.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using ::testing::HasSubstr;

std::string KeyOf(std::string_view uri) {
  auto loc = ResolveUri(uri);
  EXPECT_TRUE(loc.ok()) << uri << ": " << loc.status().ToString();
  return loc.ok() ? loc->key : "<error>";
}

TEST(ResolveUriTest, AbsolutePathIsAKeyUnderTheFilesystemRoot) {
  auto loc = ResolveUri("/var/lib/sluice/data.csv");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->key, "var/lib/sluice/data.csv");
  EXPECT_EQ(loc->uri, "/var/lib/sluice/data.csv");
  EXPECT_EQ(loc->store->RootUri(), "file:///");
}

TEST(ResolveUriTest, PlainPathsAreNormalisedLexically) {
  EXPECT_EQ(KeyOf("/a/./b//c"), "a/b/c");
  EXPECT_EQ(KeyOf("/a/b/../c"), "a/c");
  EXPECT_EQ(KeyOf("/a/b/"), "a/b/");  // a folder keeps its trailing '/'
}

TEST(ResolveUriTest, RelativePathsResolveAgainstTheWorkingDirectory) {
  std::filesystem::path cwd = std::filesystem::current_path();
  EXPECT_EQ(KeyOf("data/x.csv"), (cwd / "data/x.csv").string().substr(1));
  EXPECT_EQ(KeyOf("../data/x.csv"), (cwd.parent_path() / "data/x.csv").string().substr(1));
  EXPECT_EQ(KeyOf("./out/"), (cwd / "out/").string().substr(1));
}

TEST(ResolveUriTest, FileUris) {
  EXPECT_EQ(KeyOf("file:///var/data/x.csv"), "var/data/x.csv");
  EXPECT_EQ(KeyOf("file:///var/data/out/"), "var/data/out/");
  EXPECT_EQ(KeyOf("file://localhost/var/x"), "var/x");
  EXPECT_EQ(KeyOf("file:/var/x"), "var/x");
  EXPECT_EQ(KeyOf("FILE:///var/./x"), "var/x");
  EXPECT_EQ(KeyOf("file:///"), "");
}

TEST(ResolveUriTest, FileUriWithDotDotIsRefusedNamingTheUri) {
  auto loc = ResolveUri("file:///var/data/../../etc/passwd");
  ASSERT_FALSE(loc.ok());
  EXPECT_EQ(loc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loc.status().message(), HasSubstr("file:///var/data/../../etc/passwd"));
  EXPECT_THAT(loc.status().message(), HasSubstr("'..'"));
}

TEST(ResolveUriTest, FileUriWithAHostIsRefused) {
  auto loc = ResolveUri("file://server/share/x");
  ASSERT_FALSE(loc.ok());
  EXPECT_EQ(loc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loc.status().message(), HasSubstr("file:///"));
}

// s3:// resolves through the S3 connection (s3_connection_test covers it); with no
// credentials anywhere it fails naming the URI and where it looked.
TEST(ResolveUriTest, S3WithoutCredentialsSaysWhereItLooked) {
  const char* names[] = {"SLUICE_CONN_AWS_DEFAULT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                         "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  for (const char* name : names) {
    const char* value = std::getenv(name);
    saved.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
    unsetenv(name);
  }
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sluice-credentials", 1);
  auto loc = ResolveUri("s3://b/k");
  for (const auto& [name, value] : saved) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ASSERT_FALSE(loc.ok());
  EXPECT_EQ(loc.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(loc.status().message(), HasSubstr("s3://b/k"));
  EXPECT_THAT(loc.status().message(), HasSubstr("no AWS credentials found"));
  EXPECT_THAT(loc.status().message(), HasSubstr("/nonexistent/sluice-credentials"));
}

TEST(ResolveUriTest, OtherSchemesAndEmptyAreRefused) {
  EXPECT_EQ(ResolveUri("hdfs://nn/x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ResolveUri("http://h/x").status().message(), HasSubstr("'http'"));
  EXPECT_EQ(ResolveUri("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveUri(std::string("/a\0b", 4)).status().code(), StatusCode::kInvalidArgument);
}

TEST(ResolveUriTest, ColonInAPlainFileNameIsNotAScheme) {
  EXPECT_EQ(KeyOf("/data/ds:2026-01-01/x"), "data/ds:2026-01-01/x");
  std::filesystem::path cwd = std::filesystem::current_path();
  EXPECT_EQ(KeyOf("a:b"), (cwd / "a:b").string().substr(1));
}

TEST(ResolveUriTest, ResolvedLocationReadsAndWrites) {
  sluice::testing::TempDir dir;
  auto loc = ResolveUri("file://" + dir.path() + "/sub/file.txt");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  ASSERT_TRUE(loc->store->Put(loc->key, "data").ok());
  EXPECT_EQ(dir.Read("sub/file.txt"), "data");
  auto plain = ResolveUri(dir.path() + "/sub/../sub/file.txt");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain->store->Get(plain->key), "data");
}

TEST(JoinUriTest, ExactlyOneSlash) {
  EXPECT_EQ(JoinUri("s3://b/out", "x.csv"), "s3://b/out/x.csv");
  EXPECT_EQ(JoinUri("s3://b/out/", "x.csv"), "s3://b/out/x.csv");
  EXPECT_EQ(JoinUri("/data/", "/x.csv"), "/data/x.csv");
  EXPECT_EQ(JoinUri("file:///", "x"), "file:///x");
  EXPECT_EQ(JoinUri("/", "x"), "/x");
  EXPECT_EQ(JoinUri("", "x"), "x");
  EXPECT_EQ(JoinUri("out", "sub/"), "out/sub/");
}

}  // namespace
}  // namespace sluice::storage
