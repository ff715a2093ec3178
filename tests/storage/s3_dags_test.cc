// s3:// configured only through sluice.yml (design.md §11): `sluice dags test` with
// `connections.aws_default` pointing at moto_server (SigV4 checks on), no AWS_* variables and
// no SLUICE_CONN_AWS_DEFAULT. The DAG reads its job spec and inputs from S3 in an etl task (a
// task process) and in a step of a local cluster (a step process), so the connection must reach
// both; `sluice storage` and `sluice etl run` started by hand read it too. The secret appears
// in no log; SLUICE_CONN_AWS_DEFAULT still wins over sluice.yml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "s3_fixtures.h"
#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::ReadWholeFile;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

constexpr const char* kBucket = "dags-bucket";
constexpr const char* kDay = "2026-11-20";
const std::vector<std::string> kFeatures = {"companyId", "jobType", "degree", "major", "industry"};

class S3DagsTest : public sluice::testing::S3SluiceTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartMoto(kBucket, /*with_auth=*/true));
    fs::create_directories(dir_.Path("home/dags"));
    ASSERT_NO_FATAL_FAILURE(UploadSalaryJob(kBucket, /*rows=*/3000, /*seed=*/5));
  }

  // sluice.yml's aws_default: moto's endpoint and the given secret.
  std::string Config(const std::string& secret) {
    return "connections:\n"
           "  aws_default:\n"
           "    type: aws\n"
           "    endpoint_url: " +
           moto_.Endpoint() +
           "\n"
           "    region: us-east-1\n"
           "    addressing: path\n"
           "    access_key_id: " +
           moto_.credentials().access_key_id +
           "\n"
           "    secret_access_key: " +
           secret + "\n";
  }

  void WriteHome(const std::string& config, const std::string& dag) {
    dir_.Write("home/sluice.yml", config);
    dir_.Write("home/dags/s3_dag.yml", dag);
  }

  // An etl task reading the spec and the inputs from S3; with `step`, the same job again as the
  // step of a local cluster. Outputs go to local folders (out_task, out_step).
  std::string Dag(bool step) {
    const std::string s3 = std::string("s3://") + kBucket;
    std::string dag =
        "dag_id: s3_dag\n"
        "schedule: null\n"
        "start_date: 2026-11-01\n"
        "tasks:\n"
        "  - id: average_salary\n"
        "    operator: etl\n"
        "    job: " +
        s3 +
        "/etl/avg_salary.yml\n"
        "    vars: {data: " +
        s3 + "/data, output: " + dir_.Path("out_task") + "}\n";
    if (!step) return dag;
    return dag +
           "  - id: create_cluster\n"
           "    operator: cluster_create\n"
           "    cluster:\n"
           "      Name: s3-step\n"
           "      ReleaseLabel: sluice-local\n"
           "      Instances: {InstanceGroups: [{InstanceRole: MASTER, InstanceCount: 1}],\n"
           "                  KeepJobFlowAliveWhenNoSteps: true}\n"
           "      LogUri: " +
           dir_.Path("steplogs") +
           "/\n"
           "  - id: submit_step\n"
           "    operator: cluster_add_steps\n"
           "    upstream: [create_cluster]\n"
           "    cluster_id: \"{{ xcom('create_cluster') }}\"\n"
           "    steps:\n"
           "      - Name: average_salary\n"
           "        ActionOnFailure: CANCEL_AND_WAIT\n"
           "        HadoopJarStep:\n"
           "          Jar: command-runner.jar\n"
           "          Args: [sluice, etl, run, " +
           s3 + "/etl/avg_salary.yml, --var, data=" + s3 +
           "/data, --var, output=" + dir_.Path("out_step") +
           "]\n"
           "  - id: watch_step\n"
           "    operator: cluster_step_sensor\n"
           "    upstream: [submit_step]\n"
           "    cluster_id: \"{{ xcom('create_cluster') }}\"\n"
           "    step_id: \"{{ xcom('submit_step')[0] }}\"\n"
           "    poke_interval: 1s\n"
           "    timeout: 5m\n"
           "  - id: terminate_cluster\n"
           "    operator: cluster_terminate\n"
           "    upstream: [watch_step]\n"
           "    teardown_of: create_cluster\n"
           "    cluster_id: \"{{ xcom('create_cluster') }}\"\n";
  }

  // The part file of a committed local output folder.
  std::string Part(const std::string& folder) {
    if (!fs::exists(folder)) return "";
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().filename().string().starts_with("part-")) {
        return ReadWholeFile(entry.path().string());
      }
    }
    return "";
  }

  // Every file under the test folder but sluice.yml that holds `text`.
  std::vector<std::string> FilesHolding(const std::string& text) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file() || entry.path().filename() == "sluice.yml") continue;
      if (ReadWholeFile(entry.path().string()).find(text) != std::string::npos) {
        found.push_back(entry.path().string());
      }
    }
    return found;
  }
};

TEST_F(S3DagsTest, TasksAndStepsReadS3ThroughTheConnectionInSluiceYml) {
  WriteHome(Config(moto_.credentials().secret_access_key), Dag(/*step=*/true));
  auto run = Sluice({"dags", "test", "s3_dag", kDay});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  auto local =
      Sluice({"etl", "run", SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml", "--var",
              "data=" + dir_.Path("data"), "--var", "output=" + dir_.Path("out_local")});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  for (const std::string& feature : kFeatures) {
    std::string expected = Part(dir_.Path("out_local/" + feature));
    ASSERT_FALSE(expected.empty()) << feature;
    EXPECT_EQ(Part(dir_.Path("out_task/" + feature)), expected) << "etl task, " << feature;
    EXPECT_EQ(Part(dir_.Path("out_step/" + feature)), expected) << "cluster step, " << feature;
  }
  EXPECT_THAT(FilesHolding(moto_.credentials().secret_access_key), ::testing::IsEmpty());
  EXPECT_THAT(run.out + run.err, Not(HasSubstr(moto_.credentials().secret_access_key)));
}

TEST_F(S3DagsTest, AWrongSecretInSluiceYmlFailsWithoutShowingIt) {
  const std::string wrong = "wrong-secret-1234567890";
  WriteHome(Config(wrong), Dag(/*step=*/false));
  auto run = Sluice({"dags", "test", "s3_dag", kDay});
  EXPECT_NE(run.exit_code, 0);
  // The task's log says what went wrong, naming the key id but never the secret.
  std::string logs;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.Path("home/logs"))) {
    if (entry.is_regular_file()) logs += ReadWholeFile(entry.path().string());
  }
  EXPECT_THAT(logs, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(logs, HasSubstr(moto_.credentials().access_key_id));
  EXPECT_THAT(FilesHolding(wrong), ::testing::IsEmpty());
  EXPECT_THAT(run.out + run.err, Not(HasSubstr(wrong)));
}

TEST_F(S3DagsTest, SluiceConnAwsDefaultWinsOverSluiceYml) {
  WriteHome(Config("wrong-secret-in-the-file"), Dag(/*step=*/false));
  auto run = Sluice({"dags", "test", "s3_dag", kDay}, moto_.ConnectionJson());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(Part(dir_.Path("out_task/jobType")).empty());
}

TEST_F(S3DagsTest, WithoutAnyConnectionS3IsNotReachable) {
  WriteHome("parallelism: 4\n", Dag(/*step=*/false));
  auto run = Sluice({"dags", "test", "s3_dag", kDay});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(Part(dir_.Path("out_task/jobType")).empty());
}

// `sluice storage` and `sluice etl run` by hand, outside any task: sluice.yml alone configures
// s3://. Listing the bucket's root keeps '/' out of the query, which moto's SigV4 check misreads.
TEST_F(S3DagsTest, StorageCommandsReadTheConnectionInSluiceYml) {
  const std::string secret = moto_.credentials().secret_access_key;
  WriteHome(Config(secret), Dag(/*step=*/false));
  const std::string s3 = std::string("s3://") + kBucket;
  auto ls = Sluice({"storage", "ls", s3 + "/"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_THAT(ls.out, HasSubstr("PRE  data/"));
  EXPECT_THAT(ls.out, HasSubstr("PRE  etl/"));

  auto down = Sluice({"storage", "cp", s3 + "/data/train_salaries.csv", dir_.Path("copy.csv")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(dir_.Read("copy.csv"), dir_.Read("data/train_salaries.csv"));
  auto up = Sluice({"storage", "cp", dir_.Path("copy.csv"), s3 + "/up/copy.csv"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  auto uploaded = client_->GetObject(kBucket, "up/copy.csv");
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().ToString();
  EXPECT_EQ(*uploaded, dir_.Read("data/train_salaries.csv"));

  EXPECT_THAT(FilesHolding(secret), ::testing::IsEmpty());
  for (const auto& run : {ls, down, up}) EXPECT_THAT(run.out + run.err, Not(HasSubstr(secret)));
}

TEST_F(S3DagsTest, EtlRunReadsTheConnectionInSluiceYml) {
  const std::string secret = moto_.credentials().secret_access_key;
  WriteHome(Config(secret), Dag(/*step=*/false));
  const std::string s3 = std::string("s3://") + kBucket;
  auto remote = Sluice({"etl", "run", s3 + "/etl/avg_salary.yml", "--no-progress", "--var",
                        "data=" + s3 + "/data", "--var", "output=" + dir_.Path("out_s3")});
  ASSERT_EQ(remote.exit_code, 0) << remote.out << remote.err;
  auto local = Sluice({"etl", "run", SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml",
                       "--no-progress", "--var", "data=" + dir_.Path("data"), "--var",
                       "output=" + dir_.Path("out_local")});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  for (const std::string& feature : kFeatures) {
    std::string expected = Part(dir_.Path("out_local/" + feature));
    ASSERT_FALSE(expected.empty()) << feature;
    EXPECT_EQ(Part(dir_.Path("out_s3/" + feature)), expected) << feature;
  }
  EXPECT_THAT(FilesHolding(secret), ::testing::IsEmpty());
  EXPECT_THAT(remote.out + remote.err, Not(HasSubstr(secret)));
}

TEST_F(S3DagsTest, StorageAndEtlRunPreferSluiceConnAwsDefault) {
  const std::string wrong = "wrong-secret-in-the-file";
  WriteHome(Config(wrong), Dag(/*step=*/false));
  const std::string s3 = std::string("s3://") + kBucket;
  auto failed = Sluice({"storage", "ls", s3 + "/"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_THAT(failed.err, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(failed.out + failed.err, Not(HasSubstr(wrong)));

  auto ls = Sluice({"storage", "ls", s3 + "/"}, moto_.ConnectionJson());
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_THAT(ls.out, HasSubstr("PRE  data/"));
  auto run = Sluice({"etl", "run", s3 + "/etl/avg_salary.yml", "--no-progress", "--var",
                     "data=" + s3 + "/data", "--var", "output=" + dir_.Path("out_env")},
                    moto_.ConnectionJson());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(Part(dir_.Path("out_env/jobType")).empty());
}

}  // namespace
}  // namespace sluice::storage
