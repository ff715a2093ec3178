// s3:// configured only through sluice.yml (design.md §11): `sluice dags test` with
// `connections.aws_default` pointing at moto_server (SigV4 checks on), no AWS_* variables and
// no SLUICE_CONN_AWS_DEFAULT. The DAG reads its job spec and inputs from S3 in an etl task (a
// task process) and in a step of a local cluster (a step process), so the connection must reach
// both. The secret appears in no log; SLUICE_CONN_AWS_DEFAULT still wins over sluice.yml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::MakeClient;
using sluice::testing::MotoS3;
using sluice::testing::ReadWholeFile;
using sluice::testing::RunCommand;
using sluice::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

constexpr const char* kBucket = "dags-bucket";
constexpr const char* kDay = "2026-11-20";
const std::vector<std::string> kFeatures = {"companyId", "jobType", "degree", "major", "industry"};

class S3DagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(SLUICE_BINARY)) << SLUICE_BINARY << " is not built: build target sluice";
    Status started = moto_.Start(/*with_auth=*/true);
    ASSERT_TRUE(started.ok()) << started.ToString();
    client_ = MakeClient(moto_.Endpoint(), moto_.credentials());
    ASSERT_TRUE(client_->CreateBucket(kBucket).ok());
    fs::create_directories(dir_.Path("home/dags"));
    auto generated =
        Sluice({"datagen", "salary", "--rows", "3000", "--seed", "5", "--out", dir_.Path("data")});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    for (const char* name : {"train_features.csv", "train_salaries.csv"}) {
      ASSERT_TRUE(client_
                      ->PutObject(kBucket, std::string("data/") + name,
                                  dir_.Read(std::string("data/") + name))
                      .ok());
    }
    ASSERT_TRUE(
        client_
            ->PutObject(kBucket, "etl/avg_salary.yml",
                        ReadWholeFile(SLUICE_SOURCE_DIR "/examples/salary/etl/avg_salary.yml"))
            .ok());
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

  // `sluice ARGS` with this home and nothing from the AWS chain: no AWS_* variables, no
  // credentials file, no SLUICE_CONN_AWS_DEFAULT unless `conn_env` is given.
  sluice::testing::CommandResult Sluice(std::vector<std::string> args,
                                        const std::string& conn_env = "") {
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
        {"SLUICE_CONN_AWS_DEFAULT", conn_env}};
    return RunCommand(args, env);
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

  MotoS3 moto_;
  TempDir dir_;
  std::shared_ptr<S3Client> client_;
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

}  // namespace
}  // namespace sluice::storage
