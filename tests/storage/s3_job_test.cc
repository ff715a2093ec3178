// The seed's salary job with every artifact on S3 (moto_server): generated data uploaded to a
// bucket, the job spec read from the bucket, `sluice etl run` (SLUICE_BINARY) with
// SLUICE_CONN_AWS_DEFAULT pointing at moto, and the part files it commits compared byte for
// byte with the same job run on local files. A second run must replace, never duplicate.
// moto runs without its IAM checks here: they misread '/' in query values (see s3_moto_test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "storage/s3_connection.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::MakeClient;
using sluice::testing::MotoS3;
using sluice::testing::RunCommand;
using sluice::testing::TempDir;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

constexpr const char* kBucket = "salary";
const std::vector<std::string> kFeatures = {"companyId", "jobType", "degree", "major", "industry"};

class S3JobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(SLUICE_BINARY)) << SLUICE_BINARY << " is not built: build target sluice";
    Status started = moto_.Start(/*with_auth=*/false);
    ASSERT_TRUE(started.ok()) << started.ToString();
    client_ = MakeClient(moto_.Endpoint(), moto_.credentials());
    ASSERT_TRUE(client_->CreateBucket(kBucket).ok());
  }

  sluice::testing::CommandResult Sluice(std::vector<std::string> args, bool on_s3 = true) {
    args.insert(args.begin(), SLUICE_BINARY);
    std::map<std::string, std::string> env = {
        {"SLUICE_HOME", dir_.Path("home")}, {"AWS_ACCESS_KEY_ID", ""},
        {"AWS_SECRET_ACCESS_KEY", ""},      {"AWS_PROFILE", ""},
        {"AWS_ENDPOINT_URL", ""},           {"AWS_ENDPOINT_URL_S3", ""}};
    env[std::string(kS3ConnectionEnv)] = on_s3 ? moto_.ConnectionJson() : "";
    return RunCommand(args, env);
  }

  // The part file of a committed local output folder (exactly one, beside _SUCCESS).
  std::string LocalPart(const std::string& folder) {
    std::string part;
    int parts = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("part-")) {
        ++parts;
        part = dir_.Read(fs::relative(entry.path(), dir_.path()).string());
      }
    }
    EXPECT_EQ(parts, 1) << folder;
    EXPECT_TRUE(fs::exists(folder + "/_SUCCESS")) << folder;
    return part;
  }

  // The part file of a committed S3 output folder, checking there is one part and a _SUCCESS.
  std::string S3Part(const std::string& folder) {
    auto listed = client_->ListAllObjects(kBucket, folder);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return "";
    std::vector<std::string> parts;
    bool success = false;
    for (const auto& object : *listed) {
      std::string name = object.key.substr(folder.size());
      if (name.starts_with("part-") && name.ends_with(".csv")) parts.push_back(object.key);
      if (name == "_SUCCESS") success = true;
    }
    EXPECT_EQ(parts.size(), 1u) << folder;
    EXPECT_TRUE(success) << folder << " has no _SUCCESS";
    return parts.empty() ? "" : client_->GetObject(kBucket, parts[0]).ValueOr("");
  }

  MotoS3 moto_;
  TempDir dir_;
  std::shared_ptr<S3Client> client_;
};

TEST_F(S3JobTest, SalaryJobOnS3MatchesTheJobOnLocalFiles) {
  auto generated =
      Sluice({"datagen", "salary", "--rows", "20000", "--seed", "11", "--out", dir_.Path("data")},
             /*on_s3=*/false);
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  for (const char* name : {"train_features.csv", "train_salaries.csv"}) {
    ASSERT_TRUE(client_
                    ->PutObject(kBucket, std::string("data/") + name,
                                dir_.Read(std::string("data/") + name))
                    .ok());
  }
  std::string spec = SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml";
  ASSERT_TRUE(
      client_->PutObject(kBucket, "etl/avg_salary.yml", sluice::testing::ReadWholeFile(spec)).ok());

  auto local = Sluice({"etl", "run", spec, "--var", "data=" + dir_.Path("data"), "--var",
                       "output=" + dir_.Path("out")},
                      /*on_s3=*/false);
  ASSERT_EQ(local.exit_code, 0) << local.out << local.err;

  for (int run = 0; run < 2; ++run) {
    auto remote = Sluice({"etl", "run", "s3://salary/etl/avg_salary.yml", "--var",
                          "data=s3://salary/data", "--var", "output=s3://salary/out"});
    ASSERT_EQ(remote.exit_code, 0) << remote.out << remote.err;
    for (const std::string& feature : kFeatures) {
      std::string expected = LocalPart(dir_.Path("out/" + feature));
      ASSERT_FALSE(expected.empty());
      EXPECT_THAT(expected, ::testing::StartsWith(feature + ",average_salary\n"));
      EXPECT_EQ(S3Part("out/" + feature + "/"), expected) << feature << ", run " << run;
    }
  }
  // Nothing but the five folders' parts and markers: no staging left behind.
  auto everything = client_->ListAllObjects(kBucket, "out/");
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->size(), 2 * kFeatures.size());
}

TEST_F(S3JobTest, MissingInputOnS3NamesTheObject) {
  auto run = Sluice({"etl", "run", SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml", "--var",
                     "data=s3://salary/nowhere", "--var", "output=s3://salary/out"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.out + run.err, HasSubstr("s3://salary/nowhere/train_features.csv"));
  EXPECT_TRUE(client_->ListAllObjects(kBucket, "out/").ValueOr({{}}).empty());
}

}  // namespace
}  // namespace sluice::storage
