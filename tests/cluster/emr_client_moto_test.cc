// The EMR client (HTTP, SigV4) against a real moto_server with IAM signature checks on: an IAM
// user and access key are made first, then auth is switched on; the client creates a cluster,
// adds, describes and lists steps, terminates; a wrong secret is SignatureDoesNotMatch. The
// server runs in its own process group, killed when the suite ends, or by the kernel
// (PR_SET_PDEATHSIG) if this test process dies first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cluster/emr_client.h"
#include "cluster/emr_http.h"
#include "moto_server.h"

namespace sluice::cluster {
namespace {

using ::sluice::testing::MotoServer;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// Passes calls through, but loses the answer of the first RunJobFlow (after moto acted on it).
class LoseFirstRunJobFlowAnswer : public EmrApi {
 public:
  explicit LoseFirstRunJobFlowAnswer(std::shared_ptr<EmrApi> inner) : inner_(std::move(inner)) {}
  Result<EmrReply> Call(std::string_view operation, const Json& request) override {
    Result<EmrReply> reply = inner_->Call(operation, request);
    if (operation != "RunJobFlow" || lost_) return reply;
    lost_ = true;
    return Status::IoError("connection reset while reading the answer");
  }

 private:
  std::shared_ptr<EmrApi> inner_;
  bool lost_ = false;
};

class EmrMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new MotoServer();
    start_status_ = moto_->Start(/*with_auth=*/true);
    if (start_status_.ok()) credentials_ = moto_->credentials();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_status_.ok()) << start_status_.ToString(); }

  static std::shared_ptr<EmrApi> Api(const storage::Credentials& credentials) {
    EmrHttpOptions options;
    options.endpoint_url = moto_->Endpoint();
    options.region = "us-east-1";
    options.credentials = credentials;
    auto api = MakeEmrHttpApi(options);
    EXPECT_TRUE(api.ok()) << api.status().ToString();
    return api.ok() ? *api : nullptr;
  }
  static EmrClient Client(std::shared_ptr<EmrApi> api) {
    EmrClientOptions options;
    options.endpoint = moto_->Endpoint();
    options.credentials_source = "the moto IAM user";
    options.backoff = {3, std::chrono::milliseconds(10), std::chrono::milliseconds(50)};
    return EmrClient(std::move(api), options);
  }
  static Json ClusterRequest(const std::string& name) {
    Json request = Json::parse(R"({
      "ReleaseLabel": "emr-6.15.0", "LogUri": "s3://salary/logs/",
      "Instances": {"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge",
                    "InstanceCount": 3, "KeepJobFlowAliveWhenNoSteps": true},
      "JobFlowRole": "EMR_EC2_DefaultRole", "ServiceRole": "EMR_DefaultRole",
      "Tags": [{"Key": "team", "Value": "data"}]})");
    request["Name"] = name;
    return request;
  }

  static MotoServer* moto_;
  static Status start_status_;
  static storage::Credentials credentials_;
};

MotoServer* EmrMotoTest::moto_ = nullptr;
Status EmrMotoTest::start_status_;
storage::Credentials EmrMotoTest::credentials_;

bool HasTag(const Json& cluster, const std::string& key, const std::string& value) {
  for (const Json& tag : cluster.value("Tags", Json::array())) {
    if (tag.value("Key", "") == key && tag.value("Value", "") == value) return true;
  }
  return false;
}

TEST_F(EmrMotoTest, ClusterAndStepLifecycle) {
  EmrClient client = Client(Api(credentials_));
  Result<std::string> id = client.RunJobFlow(ClusterRequest("sluice-moto"), "run-1/create");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_THAT(*id, ::testing::StartsWith("j-"));

  Result<Json> cluster = client.DescribeCluster(*id);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EXPECT_EQ((*cluster)["Name"], "sluice-moto");
  EXPECT_TRUE(HasTag(*cluster, "sluice:client-token", "run-1/create"));
  EXPECT_TRUE(HasTag(*cluster, "team", "data"));

  Result<std::vector<Json>> active = client.ListClusters({"STARTING", "RUNNING", "WAITING"});
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_TRUE(
      std::any_of(active->begin(), active->end(), [&](const Json& c) { return c["Id"] == *id; }));

  Json steps = Json::parse(R"([{"Name": "average_salary", "ActionOnFailure": "CONTINUE",
      "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["sluice", "etl", "run"]}}])");
  Result<std::vector<std::string>> step_ids = client.AddJobFlowSteps(*id, steps);
  ASSERT_TRUE(step_ids.ok()) << step_ids.status().ToString();
  ASSERT_EQ(step_ids->size(), 1u);

  Result<Json> step = client.DescribeStep(*id, (*step_ids)[0]);
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  EXPECT_EQ((*step)["Name"], "average_salary");
  EXPECT_EQ((*step)["Config"]["Args"], Json::array({"sluice", "etl", "run"}));

  Result<std::vector<Json>> listed = client.ListSteps(*id);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["Id"], (*step_ids)[0]);

  Result<Json> groups = client.Call("ListInstanceGroups", {{"ClusterId", *id}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_FALSE((*groups)["InstanceGroups"].empty());

  ASSERT_TRUE(client.TerminateJobFlows({*id}).ok());
  cluster = client.DescribeCluster(*id);
  ASSERT_TRUE(cluster.ok());
  EXPECT_THAT((*cluster)["Status"]["State"].get<std::string>(), HasSubstr("TERMINAT"));
}

TEST_F(EmrMotoTest, UnknownClusterIsReportedWithItsType) {
  Result<Json> cluster = Client(Api(credentials_)).DescribeCluster("j-DOESNOTEXIST");
  ASSERT_FALSE(cluster.ok());
  EXPECT_THAT(cluster.status().message(), HasSubstr("j-DOESNOTEXIST"));
  EXPECT_EQ(cluster.status().code(), StatusCode::kNotFound) << cluster.status().ToString();
  EXPECT_NE(EmrErrorType(cluster.status()), "");
}

TEST_F(EmrMotoTest, WrongSecretIsSignatureDoesNotMatch) {
  storage::Credentials wrong = credentials_;
  wrong.secret_access_key = "not-the-secret-0123456789";
  Result<std::vector<Json>> clusters = Client(Api(wrong)).ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(EmrErrorType(clusters.status()), "SignatureDoesNotMatch")
      << clusters.status().ToString();
  EXPECT_EQ(clusters.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(clusters.status().message(), HasSubstr("check the secret access key"));
  EXPECT_THAT(clusters.status().message(), Not(HasSubstr(wrong.secret_access_key)));
  EXPECT_THAT(clusters.status().message(), Not(HasSubstr(credentials_.secret_access_key)));
}

TEST_F(EmrMotoTest, UnknownAccessKeyIsRefused) {
  storage::Credentials unknown{"AKIAUNKNOWNUNKNOWN00", "whatever", ""};
  Result<std::vector<Json>> clusters = Client(Api(unknown)).ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(EmrErrorType(clusters.status()), "InvalidClientTokenId")
      << clusters.status().ToString();
  EXPECT_THAT(clusters.status().message(), HasSubstr("does not know the access key id"));
}

TEST_F(EmrMotoTest, RunJobFlowWhoseAnswerWasLostFindsItsCluster) {
  auto flaky = std::make_shared<LoseFirstRunJobFlowAnswer>(Api(credentials_));
  EmrClient client = Client(flaky);
  Result<std::string> id = client.RunJobFlow(ClusterRequest("sluice-lost-answer"), "run-2/create");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::vector<Json>> clusters = Client(Api(credentials_)).ListClusters();
  ASSERT_TRUE(clusters.ok());
  int named = static_cast<int>(std::count_if(clusters->begin(), clusters->end(), [](const Json& c) {
    return c["Name"] == "sluice-lost-answer";
  }));
  EXPECT_EQ(named, 1);
  ASSERT_TRUE(client.TerminateJobFlows({*id}).ok());
}

}  // namespace
}  // namespace sluice::cluster
