// The seed's salary job with every artifact on S3 (moto_server): generated data uploaded to a
// bucket, the job spec read from the bucket, `sluice etl run` (SLUICE_BINARY) with
// SLUICE_CONN_AWS_DEFAULT pointing at moto, and the part files it commits compared byte for
// byte with the same job run on local files. A second run must replace, never duplicate.
// moto runs without its IAM checks here: they misread '/' in query values (see s3_moto_test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "s3_fixtures.h"
#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using ::testing::HasSubstr;

namespace fs = std::filesystem;

constexpr const char* kBucket = "salary";
const std::vector<std::string> kFeatures = {"companyId", "jobType", "degree", "major", "industry"};

class S3JobTest : public sluice::testing::S3SluiceTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartMoto(kBucket, /*with_auth=*/false)); }

  // `sluice ARGS`, with SLUICE_CONN_AWS_DEFAULT pointing at moto unless not `on_s3`.
  sluice::testing::CommandResult Sluice(std::vector<std::string> args, bool on_s3 = true) {
    return S3SluiceTest::Sluice(std::move(args), on_s3 ? moto_.ConnectionJson() : "");
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
};

TEST_F(S3JobTest, SalaryJobOnS3MatchesTheJobOnLocalFiles) {
  ASSERT_NO_FATAL_FAILURE(UploadSalaryJob(kBucket, /*rows=*/20000, /*seed=*/11));
  std::string spec = SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml";

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
