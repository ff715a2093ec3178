// Fixtures of the S3 tests. S3PeerSuite: one S3 peer (moto_server or s3rver) and one bucket for a
// whole suite, and a client per test. S3SluiceTest: a moto_server and a bucket per test, a temp
// folder, the salary job uploaded, and the sluice binary run with nothing from this machine's
// AWS setup.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "storage/s3_connection.h"
#include "temp_dir.h"

namespace sluice::testing {

template <typename Peer>
class S3PeerSuite : public ::testing::Test {
 protected:
  // Call from the suite's SetUpTestSuite; `args` go to Peer::Start (moto: with_auth).
  template <typename... Args>
  static void StartPeer(const std::string& bucket, Args... args) {
    peer_ = new Peer();
    bucket_ = bucket;
    start_status_ = peer_->Start(args...);
    if (!start_status_.ok()) return;
    auto client = MakeClient(peer_->Endpoint(), peer_->credentials());
    start_status_ = client ? client->CreateBucket(bucket) : Status::Internal("no client");
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(start_status_.ok()) << start_status_.ToString();
    client_ = MakeClient(peer_->Endpoint(), peer_->credentials());
    ASSERT_NE(client_, nullptr);
  }

  // Every key under `prefix` in the bucket, listed in pages of `page_size`.
  std::vector<std::string> Keys(const std::string& prefix, int page_size = 1000) {
    std::vector<std::string> keys;
    auto listed = client_->ListAllObjects(bucket_, prefix, page_size);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (listed.ok()) {
      for (const auto& o : *listed) keys.push_back(o.key);
    }
    return keys;
  }

  static inline Peer* peer_ = nullptr;
  static inline Status start_status_;
  static inline std::string bucket_;
  std::shared_ptr<storage::S3Client> client_;
};

class S3SluiceTest : public ::testing::Test {
 protected:
  // Call first from SetUp, inside ASSERT_NO_FATAL_FAILURE.
  void StartMoto(const std::string& bucket, bool with_auth) {
    ASSERT_TRUE(std::filesystem::exists(SLUICE_BINARY))
        << SLUICE_BINARY << " is not built: build target sluice";
    Status started = moto_.Start(with_auth);
    ASSERT_TRUE(started.ok()) << started.ToString();
    client_ = MakeClient(moto_.Endpoint(), moto_.credentials());
    ASSERT_NE(client_, nullptr);
    ASSERT_TRUE(client_->CreateBucket(bucket).ok());
  }

  // The salary data (`rows` rows) generated into the test folder's data/ and uploaded to
  // s3://bucket/data/, and the salary job spec to s3://bucket/etl/avg_salary.yml.
  void UploadSalaryJob(const std::string& bucket, int rows, int seed) {
    auto generated = Sluice({"datagen", "salary", "--rows", std::to_string(rows), "--seed",
                             std::to_string(seed), "--out", dir_.Path("data")});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    for (const std::string name : {"train_features.csv", "train_salaries.csv"}) {
      ASSERT_TRUE(client_->PutObject(bucket, "data/" + name, dir_.Read("data/" + name)).ok());
    }
    const std::string spec = ReadWholeFile(SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml");
    ASSERT_TRUE(client_->PutObject(bucket, "etl/avg_salary.yml", spec).ok());
  }

  // `sluice ARGS` with SLUICE_HOME in the test folder and nothing from the AWS chain: no AWS_*
  // variables, no credentials file, no SLUICE_CONN_AWS_DEFAULT unless `conn_env` is given.
  CommandResult Sluice(std::vector<std::string> args, const std::string& conn_env = "") {
    args.insert(args.begin(), SLUICE_BINARY);
    std::map<std::string, std::string> env = {
        {"SLUICE_HOME", dir_.Path("home")},
        {"HOME", dir_.Path("nohome")},
        {"AWS_SHARED_CREDENTIALS_FILE", dir_.Path("nohome/credentials")},
        {"AWS_CONFIG_FILE", dir_.Path("nohome/config")},
        {"AWS_ACCESS_KEY_ID", ""},
        {"AWS_SECRET_ACCESS_KEY", ""},
        {"AWS_SESSION_TOKEN", ""},
        {"AWS_PROFILE", ""},
        {"AWS_ENDPOINT_URL", ""},
        {"AWS_ENDPOINT_URL_S3", ""},
        {"SLUICE_DAGS_FOLDER", ""},
        {std::string(storage::kS3ConnectionEnv), conn_env}};
    return RunCommand(args, env);
  }

  MotoS3 moto_;
  TempDir dir_;
  std::shared_ptr<storage::S3Client> client_;
};

}  // namespace sluice::testing
